using Catapults.ML.Runtime;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using Mono.Cecil;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Runtime;

/// <summary>
/// Every number the engine hands libtorch is held until read (<see cref="KeptScalars"/>, <see cref="ScalarSafe"/>), and
/// each of <see cref="KeptScalars"/>' operations gives the bits of TorchSharp's operator it replaces.
/// </summary>
public class KeptScalarsTests
{
    [Test]
    public void TheEngineHandsLibtorchNoScalarThatNothingHolds()
    {
        var found = ScalarTemporaries.Find(typeof(KeptScalars).Assembly, typeof(KeptScalars).FullName!, typeof(ScalarSafe).FullName!);
        Assert.That(found, Is.Empty, "Numbers passed to libtorch as temporary Scalars (use KeptScalars):\n" + string.Join("\n", found));
    }

    [Test]
    public void TheScanFindsEachKindOfTemporaryAndNothingElse()
    {
        using var module = ModuleDefinition.ReadModule(typeof(KeptScalarsTests).Assembly.Location, new ReaderParameters { ReadSymbols = true });
        var fixtures = module.GetType(typeof(Fixtures).FullName!.Replace('+', '/'));
        var holder = module.GetType(typeof(HolderFixture).FullName!.Replace('+', '/'));
        Assert.That(fixtures, Is.Not.Null);

        var found = ScalarTemporaries.Find(new[] { fixtures, holder }, symbols: true, holder.FullName);

        string[] expected =
        {
            "Fixtures.TimesNumber calls Scalar.op_Implicit(Double)",
            "Fixtures.OperatorWithNumber calls Tensor.op_Multiply(Tensor, Double)",
            "Fixtures.SumOfTwo calls Tensor.op_Addition(Tensor, Tensor)",
            "Fixtures.AddInPlace calls Tensor.add_(Tensor)",
            "Fixtures.Square calls Tensor.square()",
            "Fixtures.Read calls TensorExtensionMethods.ToDouble(Tensor)",
            "Fixtures.Converted calls ScalarExtensionMethods.ToScalar(Double)",
            "HolderFixture.HiddenInHolder calls Tensor.add(Tensor)",
        };
        foreach (var e in expected)
            Assert.That(found.Count(f => f.EndsWith(e, StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(1), $"missing: {e}\nfound:\n{string.Join("\n", found)}");
        Assert.That(found.Where(f => f.Contains(".Safe", StringComparison.Ordinal) || f.Contains("HeldInHolder", StringComparison.Ordinal)), Is.Empty,
            "flagged a call that passes no temporary");
        Assert.That(found.First(f => f.Contains("Fixtures.Square", StringComparison.Ordinal)), Does.StartWith("KeptScalarsTests.cs:"), "names the file and line");
    }

    [Test]
    public void EachOperationGivesTheBitsOfTorchSharpsOperator([Values(ScalarType.Float32, ScalarType.Float64)] ScalarType type)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(7);
        var a = randn(new long[] { 5, 4 }, type, generator: generator);
        var b = randn(new long[] { 5, 4 }, type, generator: generator);
        var mask = a.gt(b);
        var positive = a.abs().add(0.1);

        AssertSame(KeptScalars.Times(a, 0.37), a * 0.37);
        AssertSame(KeptScalars.TimesInPlace(a.clone(), -2.5), a * -2.5);
        AssertSame(KeptScalars.DividedBy(a, 3L), a / 3L);
        AssertSame(KeptScalars.DividedBy(a, 0.7), a / 0.7);
        AssertSame(KeptScalars.DivideInPlace(a.clone(), 0.7), a / 0.7);
        AssertSame(KeptScalars.DivideInPlace(a.clone(), 3L), a / 3L);
        AssertSame(KeptScalars.Plus(a, b), a + b);
        AssertSame(KeptScalars.HalfSum(a, b), (a + b) * 0.5);
        AssertSame(KeptScalars.ConstantMinus(1, a), 1 - a);
        AssertSame(KeptScalars.AddInPlace(a.clone(), b), a + b);
        AssertSame(KeptScalars.AddInPlace(a.clone(), b, -0.3), a.add(b, -0.3));
        AssertSame(KeptScalars.AddConstantInPlace(a.clone(), 0.25), a + 0.25);
        AssertSame(KeptScalars.AddProductInPlace(a.clone(), a, b), a.addcmul(a, b, 1));
        AssertSame(KeptScalars.GreaterThan(a, 0.1), a.gt(0.1));
        AssertSame(KeptScalars.EqualTo(a.sign(), 1), a.sign().eq(1));
        AssertSame(KeptScalars.ClampedBelow(a, 0), a.clamp_min(0));
        AssertSame(KeptScalars.Power(positive, 0.5), positive.pow(0.5));
        AssertSame(KeptScalars.FillInPlace(a.clone(), 2), full_like(a, 2));
        AssertSame(KeptScalars.FillWhereInPlace(a.clone(), mask, 0), a.masked_fill(mask, 0));
        AssertSame(KeptScalars.Range(1, 10, 3, ScalarType.Int64, CPU), arange(1, 10, 3, ScalarType.Int64));
        Assert.That(a[2, 1].ReadDouble(), Is.EqualTo(a[2, 1].ToDouble()));
        Assert.That(mask[0, 0].ReadBoolean(), Is.EqualTo(mask[0, 0].ToBoolean()));
        Assert.That(mask.sum().ReadInt64(), Is.EqualTo(mask.sum().ToInt64()));
    }

    private static void AssertSame(Tensor actual, Tensor expected)
    {
        Assert.That(actual.dtype, Is.EqualTo(expected.dtype));
        Assert.That(actual.shape, Is.EqualTo(expected.shape));
        Assert.That(actual.eq(expected).all().ReadBoolean(), Is.True, "differs from TorchSharp's operator");
    }

    // Read by TheScanFindsEachKindOfTemporaryAndNothingElse, never run.
    private static class Fixtures
    {
        public static Tensor TimesNumber(Tensor t) => t.mul(2.0);
        public static Tensor OperatorWithNumber(Tensor t) => t * 2.0;
        public static Tensor SumOfTwo(Tensor a, Tensor b) => a + b;
        public static Tensor AddInPlace(Tensor a, Tensor b) => a.add_(b);
        public static Tensor Square(Tensor t) => t.square();
        public static double Read(Tensor t) => t.ToDouble();
        public static Tensor Converted(Tensor t)
        {
            using var s = 2.0.ToScalar();
            return t.mul(s);
        }
        public static Tensor SafeDifference(Tensor a, Tensor b) => a - b;
        public static Tensor SafeProduct(Tensor a, Tensor b) => a * b;
        public static Tensor SafeMatrixSum(Tensor a, Tensor b, Tensor c) => a.addmm(b, c, beta: 1, alpha: 0.5f);
    }

    // A type allowed to make Scalars (as KeptScalars is), which must still not call the hiding overloads.
    private static class HolderFixture
    {
        public static Tensor HeldInHolder(Tensor t)
        {
            using var s = 2.0.ToScalar();
            return t.mul(s);
        }
        public static Tensor HiddenInHolder(Tensor a, Tensor b) => a.add(b);
    }
}
