using Catapults.ML.Models;
using Catapults.ML.Spectra;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;
using static Catapults.ML.Tests.Spectra.SpectraTestSupport;

namespace Catapults.ML.Tests.Spectra;

/// <summary>API misuse ends in a .NET exception that names the argument, never in a kernel or a libtorch error.</summary>
public sealed class MisuseTests
{
    private static FullyConnectedNetwork Net(int outputs = 1) => new(new FullyConnectedOptions
        { InputDimension = 5, HiddenWidths = new[] { 8 }, OutputCount = outputs, Seed = 1 });

    [Test]
    public void FrozenParametersGetNoKernel([Values(NtkMethod.Auto, NtkMethod.LayerWise, NtkMethod.ExplicitJacobian, NtkMethod.MatrixFree)] NtkMethod method)
    {
        using var net = Net();
        foreach (var p in net.parameters()) p.requires_grad_(false);
        using var x = Inputs(4, 5, seed: 1);
        var ex = Assert.Throws<ArgumentException>(() => NeuralTangentKernel.Compute(net, x, new NtkOptions { Method = method }).Dispose());
        Assert.That(ex!.ParamName, Is.EqualTo("model"));
        ex = Assert.Throws<ArgumentException>(() => LayerWiseNtk.Compute(net, x).Dispose());
        Assert.That(ex!.ParamName, Is.EqualTo("network"));
        Assert.That(ex.Message, Does.Contain("requires_grad"));
    }

    [Test]
    public void InputsOfTheWrongWidthAreNamedByEveryJacobianPath()
    {
        // The Jacobian's linearisation reshaped them without a check: libtorch's "shape '[4, 5]' is invalid for input
        // of size 28" and 18 lines of C++.
        using var scope = torch.NewDisposeScope();
        using var net = Net();
        var x = Inputs(4, 7, seed: 3);
        foreach (var create in new Func<IDisposable>[]
                 {
                     () => new JacobianOperator(net, x),
                     () => new JacobianOperator(net, x, chunkSize: 2),
                     () => new GaussNewtonOperator(net, x),
                     () => NeuralTangentKernel.CreateOperator(net, x, new NtkOptions { Method = NtkMethod.MatrixFree }),
                 })
        {
            var ex = Assert.Throws<ArgumentException>(() => create().Dispose());
            Assert.That(ex!.ParamName, Is.EqualTo("inputs"));
            Assert.That(ex.Message, Does.StartWith("The network expects inputs [n, 5], got [4, 7]."));
        }
    }

    [Test]
    public void APartlyFrozenNetworkGetsTheKernelOfItsTrainableParameters()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Net(outputs: 2);
        net.Layers[0].Weight.requires_grad_(false);
        var x = Inputs(4, 5, seed: 2);
        var ex = Assert.Throws<ArgumentException>(() => LayerWiseNtk.Compute(net, x));
        Assert.That(ex!.ParamName, Is.EqualTo("network"));
        Assert.That(NeuralTangentKernel.ChooseMethod(net, 4), Is.Not.EqualTo(NtkMethod.LayerWise));
        var auto = NeuralTangentKernel.Compute(net, x);
        var j = ExplicitJacobian.Compute(net, x);
        Assert.That(j.shape[1], Is.EqualTo(net.TrainableParameterCount()));
        Assert.That(torch.allclose(auto, j.mm(j.t()), 1e-5, 1e-5), Is.True, "K over the trainable parameters only");
    }

    [Test]
    public void CrossEntropyClassOutOfRangeNamesTheTarget()
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.zeros(2, 3);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.Compute(LossKind.CrossEntropy, logits, torch.tensor(new long[] { 0, 5 })));
        Assert.That(ex!.ParamName, Is.EqualTo("target"));
        Assert.That(ex.Message, Does.Contain("[0, 3)"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.Compute(LossKind.CrossEntropy, logits, torch.tensor(new long[] { -1, 0 })));
        Assert.That(Losses.Compute(LossKind.CrossEntropy, logits, torch.tensor(new long[] { 2, 0 })).ToDouble(), Is.EqualTo(Math.Log(3)).Within(1e-6));
    }

    [Test]
    public void NonFiniteInputsToTheCriticalRateNameTheInputs([Values(double.NaN, double.PositiveInfinity)] double bad)
    {
        using var scope = torch.NewDisposeScope();
        using var net = Net();
        var x = Inputs(4, 5, seed: 3);
        x[1, 2] = bad;
        var ex = Assert.Throws<ArgumentException>(() => CriticalLearningRate.Compute(net, x));
        Assert.That(ex!.ParamName, Is.EqualTo("inputs"));
        ex = Assert.Throws<ArgumentException>(() => CriticalLearningRate.Compute(net, x, LossKind.CrossEntropy));
        Assert.That(ex!.ParamName, Is.EqualTo("inputs"));
    }

    // Tangents are checked per parameter, not only by their total length: a weight given transposed has the right
    // number of entries and would be read in the wrong order (mutation round 17A).
    [Test]
    public void JacobianTangentsOfTheWrongShapeOrCountAreNamed()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Net();
        var x = Inputs(4, 5, seed: 4);
        using var jacobian = new JacobianOperator(net, x);
        var parameters = ParameterVector.ParametersOf(net);
        int w = Enumerable.Range(0, parameters.Count).First(i => parameters[i].dim() == 2 && parameters[i].shape[0] != parameters[i].shape[1]);
        var tangents = parameters.Select(p => torch.zeros_like(p, requires_grad: false)).ToArray();
        var shape = parameters[w].shape;
        tangents[w] = torch.zeros(shape[1], shape[0]);
        var ex = Assert.Throws<ArgumentException>(() => jacobian.Apply(tangents));
        Assert.That(ex!.ParamName, Is.EqualTo("u"));
        Assert.That(ex.Message, Does.StartWith($"Tangent {w} has shape [{shape[1]}, {shape[0]}] but parameter {w} has [{shape[0]}, {shape[1]}]."));
        ex = Assert.Throws<ArgumentException>(() => jacobian.Apply(tangents.Skip(1).ToArray()));
        Assert.That(ex!.ParamName, Is.EqualTo("u"));
        Assert.That(ex.Message, Does.StartWith($"Expected {parameters.Count} parameter tensors, got {parameters.Count - 1}."));
    }

    // An output-space vector is [n, O] or [n·O]: [n, O + 1] is refused by name, not reshaped by libtorch (mutation round 17A).
    [Test]
    public void JacobianOutputVectorsOfTheWrongWidthAreNamed()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Net(outputs: 2);
        var x = Inputs(4, 5, seed: 5);
        using var jacobian = new JacobianOperator(net, x);
        Assert.That(jacobian.TransposeApplyFlat(torch.ones(4, 2)).shape, Is.EqualTo(new[] { jacobian.ParameterCount }));
        Assert.That(jacobian.TransposeApplyFlat(torch.ones(8)).shape, Is.EqualTo(new[] { jacobian.ParameterCount }));
        var ex = Assert.Throws<ArgumentException>(() => jacobian.TransposeApplyFlat(torch.ones(4, 3)));
        Assert.That(ex!.ParamName, Is.EqualTo("v"));
        Assert.That(ex.Message, Does.StartWith("An output-space vector must be [4, 2] or [8], got [4, 3]."));
    }

    [Test]
    public void ADenseSolveOfANonFiniteMatrixSaysSo()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.eye(3, dtype: ScalarType.Float64);
        a[0, 0] = double.NaN;
        using var op = new DenseSymmetricOperator(a, checkSymmetry: false);
        var ex = Assert.Throws<InvalidOperationException>(() => LanczosEigensolver.Solve(op, 1));
        Assert.That(ex!.Message, Does.Contain("non-finite"));
    }

    // A model whose outputs are not [n, OutputCount] is named with the shapes when its Jacobian is prepared, before any
    // product is sized by the count it declared (mutation round 23A).
    [Test]
    public void AModelReturningAnotherNumberOfOutputsThanItDeclaresIsNamed()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new MisbehavingModel(declaredOutputs: 1, usesParameters: true);
        var ex = Assert.Throws<InvalidOperationException>(() => new JacobianOperator(model, Inputs(4, 2, seed: 6)).Dispose());
        Assert.That(ex!.Message, Is.EqualTo("MisbehavingModel returned [4, 2] for 4 inputs; expected [4, 1]."));
    }

    // Outputs that depend on no trainable parameter have a zero Jacobian and no Hessian; both operators say so in .NET
    // terms instead of letting autograd fail on a tensor that does not require grad (mutation round 23A).
    [Test]
    public void AModelWhoseOutputsIgnoreItsParametersIsNamed()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new MisbehavingModel(declaredOutputs: 2, usesParameters: false);
        var x = Inputs(4, 2, seed: 7);
        var ex = Assert.Throws<InvalidOperationException>(() => new JacobianOperator(model, x).Dispose());
        Assert.That(ex!.Message, Is.EqualTo("The outputs of MisbehavingModel do not depend on any trainable parameter."));
        using var hessian = new HessianOperator(model, x, torch.zeros(4, 2), LossKind.MeanSquaredError);
        ex = Assert.Throws<InvalidOperationException>(() => hessian.Apply(torch.ones(2)));
        Assert.That(ex!.Message, Is.EqualTo("The loss of MisbehavingModel does not depend on any trainable parameter."));
    }

    // Ju takes a flat vector [P]: a column [P, 1], or a vector one entry too long, is refused by name with the expected
    // length, not reshaped or split further down (mutation round 23A).
    [Test]
    public void AJacobianTangentThatIsNotAFlatParameterVectorIsNamed()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Net();
        using var jacobian = new JacobianOperator(net, Inputs(4, 5, seed: 8));
        long p = jacobian.ParameterCount;
        foreach (var bad in new[] { torch.ones(p, 1), torch.ones(p + 1) })
        {
            var ex = Assert.Throws<ArgumentException>(() => jacobian.ApplyFlat(bad));
            Assert.That(ex!.ParamName, Is.EqualTo("u"));
            Assert.That(ex.Message, Does.StartWith($"A parameter-space vector must be [{p}], got [{string.Join(", ", bad.shape)}]."));
        }
        Assert.That(jacobian.ApplyFlat(torch.ones(p)).shape, Is.EqualTo(new long[] { 4, 1 }));
    }

    /// <summary>f(x) = x ⊙ w with w = (1, 2) (or x alone, ignoring w), declaring any number of outputs.</summary>
    private sealed class MisbehavingModel : NetworkModule
    {
        private readonly TorchSharp.Modules.Parameter _w;
        private readonly int _declared;
        private readonly bool _uses;

        public MisbehavingModel(int declaredOutputs, bool usesParameters) : base(nameof(MisbehavingModel))
        {
            (_declared, _uses) = (declaredOutputs, usesParameters);
            _w = new TorchSharp.Modules.Parameter(torch.tensor(new float[] { 1, 2 }));
            RegisterComponents();
        }

        public override long[] InputShape => new long[] { 2 };
        public override int OutputCount => _declared;
        public override string Describe() => "misbehaving test model";

        public override Tensor forward(Tensor input)
        {
            using var scope = torch.NewDisposeScope();
            var x = ReshapeInput(input);
            return (_uses ? x * _w : x.clone()).MoveToOuterDisposeScope();
        }
    }
}
