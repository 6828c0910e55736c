using System.Reflection;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Catapults.ML.Tests.Support;

/// <summary>
/// Reads a compiled assembly and lists every place that hands libtorch a TorchSharp <see cref="TorchSharp.Scalar"/>
/// that nothing holds: a conversion to <c>Scalar</c> (an implicit one, as <c>t * 2.0</c> makes, or <c>ToScalar</c>)
/// outside the types allowed to make them, and any call of a TorchSharp method that makes one inside and never frees it
/// (<c>a + b</c>, <c>add_(b)</c>, <c>square()</c>, <c>ToDouble()</c>, …), found by reading TorchSharp's own code.
/// A temporary <c>Scalar</c> is freed by its finalizer, which a collection on another thread can run while libtorch
/// still reads it (see <c>KeptScalars</c>).
/// </summary>
public static class ScalarTemporaries
{
    private static readonly Lazy<HashSet<string>> Hiding = new(FindHidingMethods);

    /// <summary>
    /// "File.cs:line Type.Method calls X" for each such place in <paramref name="assembly"/>. Methods of the types
    /// named in <paramref name="holders"/> may convert numbers to <c>Scalar</c> (they hold each in <c>using</c>), but
    /// not call the hiding methods.
    /// </summary>
    public static IReadOnlyList<string> Find(Assembly assembly, params string[] holders)
    {
        string path = assembly.Location;
        bool symbols = File.Exists(Path.ChangeExtension(path, ".pdb"));
        using var module = ModuleDefinition.ReadModule(path, new ReaderParameters { ReadSymbols = symbols });
        return Find(module.GetTypes(), symbols, holders);
    }

    /// <summary>The same for the given types of an assembly already read (the self-test's fixtures).</summary>
    public static IReadOnlyList<string> Find(IEnumerable<TypeDefinition> types, bool symbols, params string[] holders)
    {
        var found = new List<string>();
        foreach (var type in types)
        {
            bool holder = holders.Any(h => type.FullName == h || type.FullName.StartsWith(h + "/", StringComparison.Ordinal));
            foreach (var method in type.Methods.Where(m => m.HasBody))
                foreach (var instruction in method.Body.Instructions)
                {
                    if (instruction.Operand is not MethodReference called) continue;
                    bool makes = MakesScalar(called) && !holder;
                    if (!makes && !Hiding.Value.Contains(Key(called))) continue;
                    found.Add($"{Where(method, instruction, symbols)} {type.Name}.{method.Name} calls {called.DeclaringType.Name}.{called.Name}" +
                              $"({string.Join(", ", called.Parameters.Select(p => p.ParameterType.Name))})");
                }
        }
        return found;
    }

    private static bool MakesScalar(MethodReference method) =>
        method.Name == "ToScalar" && method.ReturnType.FullName == "TorchSharp.Scalar"
        || method.Name == "op_Implicit" && method.DeclaringType.FullName == "TorchSharp.Scalar";

    private static string Key(MethodReference method) =>
        $"{method.DeclaringType.FullName}::{method.Name}({string.Join(",", method.Parameters.Select(p => p.ParameterType.FullName))})";

    // TorchSharp's methods that make a Scalar and never dispose one, and every method of TorchSharp that calls one of those.
    private static HashSet<string> FindHidingMethods()
    {
        using var torchSharp = ModuleDefinition.ReadModule(typeof(TorchSharp.torch).Assembly.Location);
        var methods = torchSharp.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody).ToList();
        var hiding = new HashSet<string>();
        foreach (var method in methods)
        {
            var calls = method.Body.Instructions.Select(i => i.Operand).OfType<MethodReference>().ToList();
            if (calls.Any(MakesScalar) && !calls.Any(c => c.Name == "Dispose")) hiding.Add(Key(method));
        }
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (var method in methods)
                if (!hiding.Contains(Key(method))
                    && method.Body.Instructions.Any(i => i.Operand is MethodReference c && hiding.Contains(Key(c))))
                    grew = hiding.Add(Key(method)) || grew;
        }
        return hiding;
    }

    private static string Where(MethodDefinition method, Instruction instruction, bool symbols)
    {
        if (!symbols) return method.DeclaringType.Name;
        var point = method.Body.Instructions.TakeWhile(i => i != instruction).Append(instruction).Reverse()
            .Select(i => method.DebugInformation.GetSequencePoint(i)).FirstOrDefault(p => p is not null && !p.IsHidden);
        return point is null ? method.DeclaringType.Name : $"{Path.GetFileName(point.Document.Url)}:{point.StartLine}";
    }
}
