using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.Study.Tests;

public sealed class ConfigurationErrorTests
{
    [TestCase(new[] { "--batch-sizes", "gd,5000" }, "batch size 5000", TestName = "Batch size larger than n")]
    [TestCase(new[] { "--dataset", "mnist" }, "--dataset", TestName = "Unknown dataset")]
    [TestCase(new[] { "--learning-rate", "-0.5" }, "--learning-rate", TestName = "Negative learning rate")]
    [TestCase(new[] { "--rate-fraction", "0" }, "--rate-fraction", TestName = "Zero rate fraction")]
    [TestCase(new[] { "--seeds", "0" }, "--seeds", TestName = "No seeds")]
    [TestCase(new[] { "sgd-spikes", "--batch-size", "0" }, "--batch-size", TestName = "sgd-spikes batch size 0")]
    [TestCase(new[] { "gd-catapults", "--raise-factor", "0.5" }, "--raise-factor", TestName = "gd-catapults raise below eta_crit")]
    [TestCase(new[] { "optimizers", "--arch", "resnet-9000" }, "--arch", TestName = "Unknown architecture")]
    [TestCase(new[] { "sgd-spikes", "--steps", "abc" }, "--steps: 'abc' is not an integer", TestName = "Steps that are not a number")]
    [TestCase(new[] { "sgd-spikes", "--n-train", "4", "--batch-size", "2" }, "--n-train must be at least 5", TestName = "sgd-spikes training set smaller than its probe's rank")]
    [TestCase(new[] { "sgd-spikes", "--probe-size", "4" }, "--probe-size must be at least 5", TestName = "sgd-spikes probe set smaller than its rank")]
    [TestCase(new[] { "--bogus" }, "--bogus", TestName = "Unknown option")]
    [TestCase(new[] { "gd-catapults", "--initial-fraction", "1.2" }, "--initial-fraction must be below 1", TestName = "gd-catapults starting above eta_crit")]
    [TestCase(new[] { "gd-catapults", "--checkpoint-every", "7" }, "--checkpoint-every", TestName = "Checkpoints off the record grid")]
    // Found by the CLI review: each was accepted (rates beyond float32 ran as "diverged at step 0" with exit 0, and 1e-50
    // as a rate of 0), crashed in libtorch, hung, or named an option the command does not have.
    [TestCase(new[] { "--learning-rate", "1e39" }, "--learning-rate is 1E+39, outside float32", TestName = "Learning rate beyond float32")]
    [TestCase(new[] { "sgd-spikes", "--learning-rate", "1e-50" }, "--learning-rate is 1E-50, outside float32", TestName = "Learning rate that is 0 in float32")]
    [TestCase(new[] { "gd-catapults", "--raise-factor", "1e39" }, "--raise-factor is 1E+39, outside float32", TestName = "Raise factor beyond float32")]
    [TestCase(new[] { "feature-strength", "--batch-size", "2147483647" }, "--batch-size must be in 1..100000", TestName = "feature-strength batch beyond memory")]
    [TestCase(new[] { "feature-strength", "--step-growth", "1e300" }, "--step-growth must be in 0..100", TestName = "feature-strength unbounded step growth")]
    [TestCase(new[] { "feature-strength", "--depths", "100" }, "--depths must all be at most 65", TestName = "feature-strength depth named by its option")]
    [TestCase(new[] { "--record-every", "7" }, "--record-every 7 does not divide the default --checkpoint-every 500", TestName = "Record interval against the default checkpoint spacing")]
    [TestCase(new[] { "--seeds", "1", "gd-catapults" }, "--seeds comes before the sub-command 'gd-catapults'", TestName = "An option before the sub-command")]
    // Each was accepted and then ignored, or silently emptied the run's records (found by the CLI review).
    [TestCase(new[] { "sgd-spikes", "--steps", "300", "--record-every", "200" }, "--record-every 200 leaves fewer than three records in the run's --steps, 300 steps", TestName = "A record interval longer than half the run")]
    [TestCase(new[] { "optimizers", "--steps", "40", "--record-every", "25", "--checkpoint-every", "0" }, "give at most 20", TestName = "optimizers record interval longer than half the run")]
    [TestCase(new[] { "gd-catapults", "--phase-steps", "20", "--record-every", "15", "--checkpoint-every", "0" }, "in a phase (--phase-steps), 20 steps", TestName = "A record interval longer than half a phase")]
    [TestCase(new[] { "--max-steps", "15" }, "in the shortest run's budget (b = GD), 15 steps", TestName = "A record interval longer than half the shortest budget")]
    [TestCase(new[] { "--width", "0" }, "--width must be at least 1, got 0.", TestName = "A width of zero named by its option")]
    [TestCase(new[] { "--arch", "cnn-5", "--width", "100000" }, "--arch 'cnn-5': cnn-5 needs an image input shape [C, H, W], got [100].", TestName = "An image network on vectors is named before its memory")]
    [TestCase(new[] { "optimizers", "--arch", "wrn-10-1", "--width", "-2" }, "--width must be at least 1, got -2.", TestName = "A negative width for a Wide ResNet")]
    // The engine's message named its own field, NetworkDescription.Width, after the --arch prefix.
    [TestCase(new[] { "optimizers", "--arch", "wrn-10-1", "--width", "8" }, "--width does not apply to Wide ResNets; give the widening factor in --arch instead, e.g. --arch wrn-10-8.", TestName = "A width for a Wide ResNet names the option and its replacement")]
    [TestCase(new[] { "--batch-sizes", "50,,10" }, "--batch-sizes: entry 2 of '50,,10' is empty", TestName = "An empty batch size entry")]
    [TestCase(new[] { "feature-strength", "--depths", "2,3," }, "--depths: entry 3 of '2,3,' is empty", TestName = "An empty depth entry")]
    [TestCase(new[] { "smoke", "--fail-cells", ",1" }, "--fail-cells: entry 1 of ',1' is empty", TestName = "An empty cell index entry")]
    [TestCase(new[] { "plan", "smoke", "--emit", " , " }, "--emit is empty; give one or more of slurm, k8s, separated by commas.", TestName = "An empty target list")]
    [TestCase(new[] { "--data-root", "/tmp" }, "--data-root is read only by the image datasets, and --dataset is rank2", TestName = "A data root for the synthetic task")]
    [TestCase(new[] { "dominant-subspace", "--data-root", "/tmp" }, "--data-root is read only with --dataset", TestName = "dominant-subspace data root without a dataset")]
    [TestCase(new[] { "dominant-subspace", "--eos", "--learning-rate", "0.1" }, "--learning-rate is not used with --eos", TestName = "A learning rate the edge-of-stability regime ignores")]
    [TestCase(new[] { "feature-strength", "--depths", "3,4", "--staircase" }, "--staircase runs at depth 2, which --depths 3,4 leaves out", TestName = "A staircase without depth 2")]
    [TestCase(new[] { "feature-strength", "--depths", "2", "--gamma-max", "0.5", "--staircase" }, "raise --gamma-max above 1", TestName = "A staircase without a rich gamma")]
    [TestCase(new[] { "plan", "smoke", "--emit", "k8s", "--partition", "gpu" }, "--partition shapes only the slurm files, and --emit k8s writes none", TestName = "A Slurm partition for Kubernetes only")]
    [TestCase(new[] { "plan", "smoke", "--emit", "slurm", "--image", "x", "--retries", "2" }, "--image, --retries shape only the k8s files", TestName = "Kubernetes options for Slurm only")]
    // Found by the Kubernetes review: a zero claim was emitted for Kubernetes to reject, and the other two printed the
    // value's line break raw, across two lines (the image's control character was emitted).
    [TestCase(new[] { "plan", "smoke", "--emit", "k8s", "--volume-size", "0Gi" }, "--volume-size '0Gi' is not a positive storage quantity", TestName = "A Kubernetes volume of size zero")]
    [TestCase(new[] { "plan", "smoke", "--emit", "k8s", "--image", "reg/x\u0001y" }, "--image 'reg/x\\u0001y' is not an image reference", TestName = "An image with a control character")]
    [TestCase(new[] { "plan", "smoke", "--emit", "k8s", "--image", "a\nb" }, "--image 'a\\u000Ab'", TestName = "An image with a line break")]
    [TestCase(new[] { "plan", "smoke", "--emit", "k8s", "--mount-path", "/a\nb" }, "--mount-path '/a\\u000Ab' must be an absolute path", TestName = "A mount path with a line break")]
    public void InvalidOptionsGiveOneLineErrorAndExitCode2(string[] args, string mentioned)
    {
        using var temp = new TempDirectory();
        var (code, _, error) = StudyCli.Run(args.Concat(new[] { "--out", temp.Combine("study-config") }).ToArray());
        Assert.That(code, Is.EqualTo(2), error);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), error);
        Assert.That(lines[0], Does.StartWith("error: ").And.Contain(mentioned));
    }

    [Test]
    public void MissingDataRootGivesOneLineErrorAndExitCode2()
    {
        using var temp = new TempDirectory();
        string missing = temp.Combine("no-such-data");
        var (code, _, error) = StudyCli.Run("--dataset", "cifar10", "--data-root", missing, "--out", missing + "-out");
        Assert.That(code, Is.EqualTo(2), error);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), error);
        Assert.That(lines[0], Does.StartWith("error: ").And.Contain(missing));
    }

    [TestCase("batch-sweep")]
    [TestCase("dominant-subspace")]
    public void NoDataRootNamesTheOptionThatGivesOne(string command)
    {
        using var temp = new TempDirectory();
        string output = temp.Combine("study-no-root");
        var previous = Environment.GetEnvironmentVariable(Catapults.ML.Data.DataRoot.EnvironmentVariable);
        Environment.SetEnvironmentVariable(Catapults.ML.Data.DataRoot.EnvironmentVariable, null);
        try
        {
            var (code, _, error) = StudyCli.Run(command, "--dataset", "svhn", "--out", output);
            Assert.That(code, Is.EqualTo(2), error);
            var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(lines, Has.Length.EqualTo(1), error);
            Assert.That(lines[0], Does.StartWith("error: No data root: pass --data-root or set the CATAPULTS_DATA environment variable"));
            Assert.That(Directory.Exists(output), Is.False, "a refused command leaves no output folder");
        }
        finally
        {
            Environment.SetEnvironmentVariable(Catapults.ML.Data.DataRoot.EnvironmentVariable, previous);
        }
    }
}
