using Catapults.ML.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// <see cref="ScalarSafe.SGD"/> takes TorchSharp's SGD steps to the bit and reads its state dictionary, and stays
/// correct while another thread allocates, where TorchSharp's own SGD reads a learning rate that the garbage collector
/// has freed (about one step in 2,000–4,500 on the 2-core AMD EPYC, 6 Dec 2026).
/// </summary>
public sealed class ScalarSafeSgdTests
{
    private static nn.Module<Tensor, Tensor> Network(long seed)
    {
        torch.manual_seed(seed);
        return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1));
    }

    private static void Steps(nn.Module<Tensor, Tensor> network, optim.Optimizer optimizer, int count, long seed)
    {
        var generator = new Generator((ulong)seed);
        for (int i = 0; i < count; i++)
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var x = torch.randn(6, 4, generator: generator);
            var y = torch.randn(6, 1, generator: generator);
            nn.functional.mse_loss(network.forward(x), y).backward();
            optimizer.step();
        }
    }

    private static float[] Weights(nn.Module<Tensor, Tensor> network) =>
        network.parameters().SelectMany(p => p.detach().reshape(-1).data<float>().ToArray()).ToArray();

    [TestCase(0.0, 0.0, TestName = "Plain SGD steps as TorchSharp's, to the bit")]
    [TestCase(0.9, 0.0, TestName = "Momentum steps as TorchSharp's, to the bit")]
    [TestCase(0.5, 0.01, TestName = "Momentum with weight decay steps as TorchSharp's, to the bit")]
    public void StepsAreTorchSharpsToTheBit(double momentum, double decay)
    {
        using var scope = torch.NewDisposeScope();
        var ours = Network(3);
        var theirs = Network(3);
        using var safe = new ScalarSafe.SGD(ours.parameters(), 0.05, momentum, decay);
        using var torchSgd = optim.SGD(theirs.parameters(), 0.05, momentum: momentum, weight_decay: decay);
        Steps(ours, safe, 12, seed: 8);
        Steps(theirs, torchSgd, 12, seed: 8);
        Assert.That(Weights(ours), Is.EqualTo(Weights(theirs)));
        Assert.That(Weights(ours), Is.Not.EqualTo(Weights(Network(3))), "the steps moved the weights");
    }

    [Test]
    public void AMomentumCheckpointOfTorchSharpsSgdResumesHere()
    {
        // Checkpoints written before this class hold TorchSharp's SGD state; a resumed run reads them into this one.
        using var scope = torch.NewDisposeScope();
        var resumed = Network(4);
        var reference = Network(4);
        using var before = optim.SGD(resumed.parameters(), 0.05, momentum: 0.9);
        using var continuing = optim.SGD(reference.parameters(), 0.05, momentum: 0.9);
        Steps(resumed, before, 3, seed: 2);
        Steps(reference, continuing, 3, seed: 2);
        using var state = new MemoryStream();
        using (var writer = new BinaryWriter(state, System.Text.Encoding.UTF8, leaveOpen: true)) ((OptimizerHelper)before).save_state_dict(writer);
        state.Position = 0;
        using var after = new ScalarSafe.SGD(resumed.parameters(), 0.05, momentum: 0.9);
        using (var reader = new BinaryReader(state, System.Text.Encoding.UTF8, leaveOpen: true)) after.load_state_dict(reader);
        Steps(resumed, after, 3, seed: 5);
        Steps(reference, continuing, 3, seed: 5);
        Assert.That(Weights(resumed), Is.EqualTo(Weights(reference)));

        // And the other way: this optimiser's state resumes in TorchSharp's.
        state.SetLength(0);
        using (var writer = new BinaryWriter(state, System.Text.Encoding.UTF8, leaveOpen: true)) after.save_state_dict(writer);
        state.Position = 0;
        using var back = optim.SGD(resumed.parameters(), 0.05, momentum: 0.9);
        using (var reader = new BinaryReader(state, System.Text.Encoding.UTF8, leaveOpen: true)) ((OptimizerHelper)back).load_state_dict(reader);
        Steps(resumed, back, 2, seed: 6);
        Steps(reference, continuing, 2, seed: 6);
        Assert.That(Weights(resumed), Is.EqualTo(Weights(reference)));
    }

    [Test]
    public void ManyStepsBesideAnAllocatingThreadNeverReadAFreedRate()
    {
        using var scope = torch.NewDisposeScope();
        var network = Network(5);
        using var optimizer = new ScalarSafe.SGD(network.parameters(), 0.01, momentum: 0.9);
        var x = torch.randn(16, 4);
        var y = torch.randn(16, 1);
        bool stop = false;
        // Garbage at the rate of a busy application: a collection every step or two, each a chance to finalize the
        // step's scalars while libtorch reads them. With TorchSharp's own SGD in its place this test failed in one of
        // two runs here (9 steps of 20,000 read a freed rate); the race needs a collection inside the native call.
        var noise = new Thread(() => { while (!Volatile.Read(ref stop)) GC.KeepAlive(new byte[64 * 1024]); }) { IsBackground = true };
        noise.Start();
        int failures = 0;
        string? first = null;
        try
        {
            for (int i = 0; i < 20_000; i++)
            {
                using var step = torch.NewDisposeScope();
                optimizer.zero_grad();
                nn.functional.mse_loss(network.forward(x), y).backward();
                try
                {
                    optimizer.step();
                }
                catch (System.Runtime.InteropServices.ExternalException ex)
                {
                    failures++;
                    first ??= $"step {i}: {ex.Message.Split('\n')[0]}";
                }
            }
        }
        finally
        {
            Volatile.Write(ref stop, true);
            noise.Join();
        }
        Assert.That(failures, Is.Zero, first);
    }
}
