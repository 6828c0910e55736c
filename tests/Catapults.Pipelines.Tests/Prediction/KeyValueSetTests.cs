using Catapults.Pipelines.Prediction;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Prediction;

/// <summary>
/// The key values a multiclass label carries onto the predicted label: read only when there is one per class and of a
/// supported type, handed out as a fresh buffer each time, and written to and read back from their saved strings with
/// their type unchanged. Found by mutation testing (6 Dec 2026).
/// </summary>
[TestFixture]
public sealed class KeyValueSetTests
{
    [Test]
    public void KeyValuesOfAnotherCountThanTheClassesAreNotRead()
    {
        var column = KeyColumn(3, TextDataViewType.Instance, new VBuffer<ReadOnlyMemory<char>>(2, new[] { "a".AsMemory(), "b".AsMemory() }));
        Assert.Multiple(() =>
        {
            Assert.That(KeyValueSet.FromColumn(column, 3), Is.Null);
            Assert.That(KeyValueSet.FromColumn(column, 2)!.ToStrings(), Is.EqualTo(new[] { "a", "b" }));
        });
    }

    [Test]
    public void KeyValuesOfAnUnsupportedTypeAreNotRead()
    {
        // DateTime is a primitive ML.NET type, but not one a saved model can hold.
        var column = KeyColumn(2, DateTimeDataViewType.Instance, new VBuffer<DateTime>(2, new[] { DateTime.UnixEpoch, DateTime.UnixEpoch.AddDays(1) }));
        Assert.Multiple(() =>
        {
            Assert.That(KeyValueSet.FromColumn(column, 2), Is.Null);
            Assert.That(KeyValueSet.Placeholder(DateTimeDataViewType.Instance, 2), Is.Null);
            Assert.That(KeyValueSet.Placeholder(TextDataViewType.Instance, 2)!.TypeName, Is.EqualTo("Text"));
        });
    }

    [TestCase("Text", new[] { "cat", "dog" }, typeof(ReadOnlyMemory<char>))]
    [TestCase("Boolean", new[] { "false", "true" }, typeof(bool))]
    [TestCase("Single", new[] { "0.1", "-3.5" }, typeof(float))]
    [TestCase("Double", new[] { "0.1", "1E+300" }, typeof(double))]
    [TestCase("SByte", new[] { "-128", "127" }, typeof(sbyte))]
    [TestCase("Byte", new[] { "0", "255" }, typeof(byte))]
    [TestCase("Int16", new[] { "-32768", "7" }, typeof(short))]
    [TestCase("UInt16", new[] { "65535", "7" }, typeof(ushort))]
    [TestCase("Int32", new[] { "-5", "2147483647" }, typeof(int))]
    [TestCase("UInt32", new[] { "4294967295", "0" }, typeof(uint))]
    [TestCase("Int64", new[] { "-9223372036854775808", "1" }, typeof(long))]
    [TestCase("UInt64", new[] { "18446744073709551615", "1" }, typeof(ulong))]
    public void SavedStringsReadBackToTheSameTypeAndStrings(string type, string[] values, Type raw)
    {
        var set = KeyValueSet.FromStrings(type, values);
        Assert.Multiple(() =>
        {
            Assert.That(set.TypeName, Is.EqualTo(type));
            Assert.That(set.ItemType.RawType, Is.EqualTo(raw));
            Assert.That(set.Values.GetType().GetElementType(), Is.EqualTo(raw));
            Assert.That(set.ToStrings(), Is.EqualTo(values));
        });
    }

    [Test]
    public void EachReadOfTheKeyValuesGetsItsOwnBuffer()
    {
        var builder = new DataViewSchema.Annotations.Builder();
        KeyValueSet.FromStrings("Int32", new[] { "5", "6" }).AddKeyValues(builder);
        var annotations = builder.ToAnnotations();
        var first = default(VBuffer<int>);
        annotations.GetValue(KeyValueSet.KeyValuesKind, ref first);
        // A consumer edits the buffer it was handed in place.
        var editor = VBufferEditor.CreateFromBuffer(ref first);
        editor.Values[0] = 99;
        var second = default(VBuffer<int>);
        annotations.GetValue(KeyValueSet.KeyValuesKind, ref second);
        Assert.That(second.DenseValues(), Is.EqualTo(new[] { 5, 6 }));
    }

    private static DataViewSchema.Column KeyColumn<T>(int count, PrimitiveDataViewType valueType, VBuffer<T> values)
    {
        var annotations = new DataViewSchema.Annotations.Builder();
        annotations.Add(KeyValueSet.KeyValuesKind, new VectorDataViewType(valueType, values.Length), (ref VBuffer<T> dst) => values.CopyTo(ref dst));
        var schema = new DataViewSchema.Builder();
        schema.AddColumn("Label", new KeyDataViewType(typeof(uint), count), annotations.ToAnnotations());
        return schema.ToSchema()["Label"];
    }
}
