using Catapults.ML.Tests.Data.Fixtures;
using YamlDotNet.RepresentationModel;

namespace Catapults.Study.Tests.Cells;

/// <summary>plan --emit k8s: the manifests parse as YAML and hold the Indexed Job, the volume and the merge Job.</summary>
public sealed class KubernetesManifestTests
{
    private TempDirectory? _temp;
    private string _dir = null!;

    [OneTimeSetUp]
    public void Emit()
    {
        _temp = new TempDirectory();
        _dir = _temp.Combine("sweep1");
        var (code, _, error) = StudyCli.Run("plan", "smoke", "--cells", "7", "--out", _dir, "--emit", "k8s", "--parallel", "3", "--gpu",
            "--image", "registry.example/catapults:1.2", "--cpus-per-task", "4", "--memory-gb", "16", "--time-limit", "1-02:00:00",
            "--volume-claim", "study-runs", "--volume-size", "5Gi", "--mount-path", "/data/runs", "--retries", "2");
        Assert.That(code, Is.EqualTo(0), error);
    }

    [OneTimeTearDown]
    public void Remove() => _temp?.Dispose();

    private YamlMappingNode Load(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.IsPathRooted(file) ? file : Path.Combine(_dir, "k8s", file));
        stream.Load(reader);
        Assert.That(stream.Documents, Has.Count.EqualTo(1), file);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlNode At(YamlNode node, params object[] path)
    {
        foreach (var step in path)
            node = step is int i ? ((YamlSequenceNode)node).Children[i] : ((YamlMappingNode)node).Children[new YamlScalarNode((string)step)];
        return node;
    }

    private static string S(YamlNode node, params object[] path) => ((YamlScalarNode)At(node, path)).Value!;

    // Kubernetes' rule for a container's command and args, as its API reference states it: $(NAME) becomes the
    // variable's value when it is defined (and stays as written otherwise), and $$ becomes one $.
    private static string KubernetesExpansion(string text, IReadOnlyDictionary<string, string> environment)
    {
        var result = new System.Text.StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '$' || i + 1 == text.Length) { result.Append(text[i]); continue; }
            if (text[i + 1] == '$') { result.Append('$'); i++; continue; }
            int close = text[i + 1] == '(' ? text.IndexOf(')', i + 2) : -1;
            if (close < 0) { result.Append('$'); continue; }
            string name = text[(i + 2)..close];
            result.Append(environment.TryGetValue(name, out var value) ? value : text[i..(close + 1)]);
            i = close;
        }
        return result.ToString();
    }

    [Test]
    public void CellsAreAnIndexedJobWithOneCompletionPerCell()
    {
        var job = Load("cells-job.yaml");
        Assert.That(S(job, "apiVersion"), Is.EqualTo("batch/v1"));
        Assert.That(S(job, "kind"), Is.EqualTo("Job"));
        Assert.That(S(job, "metadata", "name"), Does.Match("^catapults-smoke-[0-9a-f]{8}-cells$"));
        Assert.That(S(job, "spec", "completionMode"), Is.EqualTo("Indexed"));
        Assert.That(S(job, "spec", "completions"), Is.EqualTo("7"));
        Assert.That(S(job, "spec", "parallelism"), Is.EqualTo("3"));
        Assert.That(S(job, "spec", "backoffLimitPerIndex"), Is.EqualTo("2"));
        // By default the Job controller replaces a terminating pod at once, so two pods may run one index for a while.
        Assert.That(S(job, "spec", "podReplacementPolicy"), Is.EqualTo("Failed"));
        Assert.That(S(job, "spec", "template", "metadata", "labels", "app.kubernetes.io/component"), Is.EqualTo("cells"));
        var pod = At(job, "spec", "template", "spec");
        Assert.That(S(pod, "restartPolicy"), Is.EqualTo("Never"));
        Assert.That(S(pod, "activeDeadlineSeconds"), Is.EqualTo((26 * 3600).ToString()));
        var container = At(pod, "containers", 0);
        Assert.That(S(container, "image"), Is.EqualTo("registry.example/catapults:1.2"));
        Assert.That(((YamlSequenceNode)At(container, "command")).Children.Select(c => ((YamlScalarNode)c).Value), Is.EqualTo(new[] { "catapults-study" }));
        Assert.That(((YamlSequenceNode)At(container, "args")).Children.Select(c => ((YamlScalarNode)c).Value),
            Is.EqualTo(new[] { "run-cell", "--plan", "/data/runs/sweep1", "--index", "$(JOB_COMPLETION_INDEX)", "--wait-if-busy", "30" }));
        Assert.That(S(container, "env", 0, "name"), Is.EqualTo("JOB_COMPLETION_INDEX"));
        Assert.That(S(container, "env", 0, "valueFrom", "fieldRef", "fieldPath"), Is.EqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']"));
        Assert.That(S(container, "resources", "requests", "cpu"), Is.EqualTo("4"));
        // A pod requests the memory it is limited to (found by mutation testing, 6 Dec 2026: a request fixed at 8Gi passed).
        Assert.That(S(container, "resources", "requests", "memory"), Is.EqualTo("16Gi"));
        Assert.That(S(container, "resources", "limits", "memory"), Is.EqualTo("16Gi"));
        Assert.That(S(container, "resources", "limits", "nvidia.com/gpu"), Is.EqualTo("1"));
        Assert.That(S(container, "volumeMounts", 0, "mountPath"), Is.EqualTo("/data/runs"));
        Assert.That(S(container, "volumeMounts", 0, "name"), Is.EqualTo(S(pod, "volumes", 0, "name")));
        Assert.That(S(pod, "volumes", 0, "persistentVolumeClaim", "claimName"), Is.EqualTo("study-runs"));
    }

    [Test]
    public void TheVolumeIsASharedClaimAndTheMergeJobMountsIt()
    {
        var volume = Load("volume.yaml");
        Assert.That(S(volume, "kind"), Is.EqualTo("PersistentVolumeClaim"));
        Assert.That(S(volume, "metadata", "name"), Is.EqualTo("study-runs"));
        Assert.That(S(volume, "spec", "accessModes", 0), Is.EqualTo("ReadWriteMany"));
        Assert.That(S(volume, "spec", "resources", "requests", "storage"), Is.EqualTo("5Gi"));

        var merge = Load("merge-job.yaml");
        Assert.That(S(merge, "kind"), Is.EqualTo("Job"));
        string name = S(Load("cells-job.yaml"), "metadata", "name")[..^"-cells".Length];
        Assert.That(S(merge, "metadata", "name"), Is.EqualTo(name + "-merge"));
        // Its pods are told from the cells' by their component label (kubectl logs -l app.kubernetes.io/component=merge).
        Assert.That(S(merge, "spec", "template", "metadata", "labels", "app.kubernetes.io/component"), Is.EqualTo("merge"));
        var container = At(merge, "spec", "template", "spec", "containers", 0);
        Assert.That(((YamlSequenceNode)At(container, "args")).Children.Select(c => ((YamlScalarNode)c).Value), Is.EqualTo(new[] { "merge", "--plan", "/data/runs/sweep1" }));
        Assert.That(((YamlMappingNode)At(container, "resources", "limits")).Children.Keys.Select(k => ((YamlScalarNode)k).Value), Does.Not.Contain("nvidia.com/gpu"), "the merge needs no GPU");
        // The merge sets the plan's threads too, and refuses more threads than the cores it was given.
        Assert.That(S(container, "resources", "limits", "cpu"), Is.EqualTo("4"));
        Assert.That(S(container, "resources", "requests", "memory"), Is.EqualTo("16Gi"));
        Assert.That(S(container, "resources", "limits", "memory"), Is.EqualTo("16Gi"));
        Assert.That(S(merge, "spec", "template", "spec", "volumes", 0, "persistentVolumeClaim", "claimName"), Is.EqualTo("study-runs"));

        string submit = File.ReadAllText(Path.Combine(_dir, "k8s", "submit.sh"));
        Assert.That(submit, Does.Contain("kubectl apply -f \"$here/cells-job.yaml\"").And.Contain("kubectl apply -f \"$here/merge-job.yaml\""));
        Assert.That(submit.IndexOf("merge-job.yaml", StringComparison.Ordinal), Is.GreaterThan(submit.IndexOf("*Complete*", StringComparison.Ordinal)), "the merge is applied after the cells complete");
        Assert.That(submit, Does.Contain($"kubectl get job {name}-cells "));
    }

    // A cells' Job that failed (an index out of retries) stops submit.sh with the Job named, and the merge is never
    // applied: without the exit the script waited on forever, and applied the merge if the Job read Complete later
    // (found by mutation testing, round 26C).
    [Test]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void ASubmitWhoseCellsJobFailedStopsWithoutApplyingTheMerge()
    {
        using var temp = new TempDirectory();
        string bin = temp.Combine("bin");
        Directory.CreateDirectory(bin);
        string calls = temp.Combine("calls.txt"), gets = temp.Combine("gets.txt");
        var scripts = new Dictionary<string, string>
        {
            ["kubectl"] = $"#!/bin/bash\nprintf '%s ' \"$@\" >> '{calls}'\necho >> '{calls}'\n" +
                          $"if [ \"$1\" = get ]; then echo x >> '{gets}'; if [ $(wc -l < '{gets}') -eq 1 ]; then echo Failed; else echo Complete; fi; fi\n",
            ["sleep"] = "#!/bin/bash\n",
        };
        foreach (var (file, text) in scripts)
        {
            File.WriteAllText(Path.Combine(bin, file), text);
            File.SetUnixFileMode(Path.Combine(bin, file), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var info = new System.Diagnostics.ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(_dir, "k8s", "submit.sh"));
        info.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        using var submit = System.Diagnostics.Process.Start(info)!;
        var stdout = submit.StandardOutput.ReadToEndAsync();
        string stderr = submit.StandardError.ReadToEnd();
        submit.WaitForExit();
        string name = S(Load("cells-job.yaml"), "metadata", "name");
        Assert.That(submit.ExitCode, Is.EqualTo(1), stdout.Result + stderr);
        Assert.That(stderr.Trim(), Is.EqualTo($"job {name} failed; see kubectl describe job {name}"));
        Assert.That(File.ReadAllText(calls), Does.Contain("cells-job.yaml").And.Not.Contain("merge-job.yaml"));
    }

    // A Job's pod template cannot change once applied: with one name per experiment a second sweep's Job was refused,
    // or, reading the same, taken for "unchanged", and submit.sh found the first sweep's Job complete and ran nothing.
    [Test]
    public void EachPlanHasItsOwnJobNamesAndTheSamePlanKeepsThem()
    {
        using var temp = new TempDirectory();
        string Name(string folder, params string[] options)
        {
            var (code, _, error) = StudyCli.Run(new[] { "plan", "smoke", "--out", temp.Combine(folder), "--emit", "k8s" }.Concat(options).ToArray());
            Assert.That(code, Is.EqualTo(0), error);
            return S(Load(Path.Combine(temp.Combine(folder), "k8s", "cells-job.yaml")), "metadata", "name");
        }
        string first = Name("a", "--cells", "2");
        Assert.That(Name("b", "--cells", "2"), Is.Not.EqualTo(first), "another folder");
        Assert.That(Name("a", "--cells", "2"), Is.EqualTo(first), "the same plan in the same folder");
        // Another pod template (a new image, more memory after an out-of-memory kill) is another Job.
        Assert.That(Name("a", "--cells", "2", "--image", "registry.example/study:2"), Is.Not.EqualTo(first), "another image");
        Assert.That(Name("a", "--cells", "2", "--memory-gb", "16"), Is.Not.EqualTo(first), "more memory");
        Assert.That(Name("a", "--cells", "2", "--cpus-per-task", "1"), Is.EqualTo(first), "the default written out is the same template");
        // Another plan in the same folder needs the folder deleted first (plan refuses to replace one with cells).
        Directory.Delete(temp.Combine("a"), recursive: true);
        Assert.That(Name("a", "--cells", "3"), Is.Not.EqualTo(first), "another plan in the same folder");
        Assert.That(first.Length, Is.LessThanOrEqualTo(63 - "-merge".Length + "-cells".Length));
    }

    [Test]
    public void ATaskWithFewerCoresThanThePlansThreadsIsRefusedBeforeThePlanIsWritten()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("few");
        var (code, stdout, error) = StudyCli.Run("plan", "batch-sweep", "--quick", "--threads", "2", "--cpus-per-task", "1", "--out", dir, "--emit", "k8s");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.Trim(), Is.EqualTo("error: --cpus-per-task 1 is below the plan's --threads 2: every cell would refuse to run with more threads than cores; ask for at least 2 cores, or plan with --threads 1."));
        Assert.That(File.Exists(Path.Combine(dir, "plan.json")), Is.False);
        // Refused before planning, which measures critical rates first (minutes for a large network).
        Assert.That(stdout, Does.Not.Contain("η_crit"), stdout);
    }

    // "--out sweep/" names the folder sweep: with the separator kept, its name read as empty and the pods were sent
    // to the mount's root.
    [Test]
    public void AnOutWithATrailingSeparatorNamesItsFolder()
    {
        using var temp = new TempDirectory();
        var (code, _, error) = StudyCli.Run("plan", "smoke", "--out", temp.Combine("sweep2") + "/", "--emit", "k8s");
        Assert.That(code, Is.EqualTo(0), error);
        foreach (var file in new[] { "cells-job.yaml", "merge-job.yaml" })
        {
            var text = File.ReadAllText(Path.Combine(temp.Combine("sweep2"), "k8s", file));
            Assert.That(text, Does.Contain("\"/runs/sweep2\"").And.Not.Contain("\"/runs/\""), file);
        }
    }

    // The run folder in a pod is <mount>/<folder name> with one separator between, whether or not the mount path ends
    // in one; the root as mount holds it at /<folder name> (found by mutation testing, round 15B).
    [TestCase("/data/runs/", "/data/runs/sweep3")]
    [TestCase("/", "/sweep3")]
    public void AMountPathEndingInASeparatorGivesThePodsOneSeparator(string mount, string podRun)
    {
        using var temp = new TempDirectory();
        var (code, _, error) = StudyCli.Run("plan", "smoke", "--out", temp.Combine("sweep3"), "--emit", "k8s", "--mount-path", mount);
        Assert.That(code, Is.EqualTo(0), error);
        foreach (var file in new[] { "cells-job.yaml", "merge-job.yaml" })
        {
            var job = Load(Path.Combine(temp.Combine("sweep3"), "k8s", file));
            var args = ((YamlSequenceNode)At(job, "spec", "template", "spec", "containers", 0, "args")).Children.Select(a => ((YamlScalarNode)a).Value).ToList();
            Assert.That(args[args.IndexOf("--plan") + 1], Is.EqualTo(podRun), file);
            Assert.That(S(job, "spec", "template", "spec", "containers", 0, "volumeMounts", 0, "mountPath"), Is.EqualTo(mount), file);
        }
    }

    // The study command's words reach the pod as written: Kubernetes expands $(NAME) in a container's command as in its
    // args (found by mutation testing, round 26C).
    [Test]
    public void AStudyCommandWithADollarReachesThePodAsWritten()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("sweep4");
        var (code, _, error) = StudyCli.Run("plan", "smoke", "--out", dir, "--emit", "k8s", "--study-command", "dotnet /opt/$(JOB_COMPLETION_INDEX)/study.dll");
        Assert.That(code, Is.EqualTo(0), error);
        var pod = new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = "3" };
        foreach (var file in new[] { "cells-job.yaml", "merge-job.yaml" })
        {
            var command = (YamlSequenceNode)At(Load(Path.Combine(dir, "k8s", file)), "spec", "template", "spec", "containers", 0, "command");
            Assert.That(command.Children.Select(c => KubernetesExpansion(((YamlScalarNode)c).Value!, pod)), Is.EqualTo(new[] { "dotnet", "/opt/$(JOB_COMPLETION_INDEX)/study.dll" }), file);
        }
    }

    [TestCase("odd'name \"with: quotes")]
    [TestCase("line\nbreak")]
    [TestCase("line\u2028foo: bar")]
    [TestCase("para\u2029- a")]
    [TestCase("$(JOB_COMPLETION_INDEX) $$ $HOME")]
    public void ARunFolderNameEitherQuotesIntoValidYamlOrIsRefusedBeforeThePlanIsWritten(string folderName)
    {
        using (var temp = new TempDirectory())
        {
            string root = temp.Path;
            string dir = Path.Combine(root, folderName);
            var (code, _, error) = StudyCli.Run("plan", "smoke", "--out", dir, "--emit", "k8s");
            if (folderName.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029'))
            {
                // A line break in a manifest's comment would start a line of YAML (go-yaml breaks at U+2028 and U+2029 too).
                Assert.That(code, Is.EqualTo(2));
                string visible = folderName.Replace("\n", "\\u000A").Replace("\u2028", "\\u2028").Replace("\u2029", "\\u2029");
                Assert.That(error.Trim(), Is.EqualTo($"error: --emit k8s: the run folder name '{visible}' holds a control character or line separator, which a manifest's comment lines cannot carry; choose an --out without one."));
                Assert.That(Directory.Exists(dir), Is.False, "nothing is written");
                return;
            }
            Assert.That(code, Is.EqualTo(0), error);
            foreach (var file in new[] { "volume.yaml", "cells-job.yaml", "merge-job.yaml" })
            {
                var stream = new YamlStream();
                using var reader = new StreamReader(Path.Combine(dir, "k8s", file));
                stream.Load(reader);
                Assert.That(stream.Documents, Has.Count.EqualTo(1), file);
            }
            var job = new YamlStream();
            using (var reader = new StreamReader(Path.Combine(dir, "k8s", "cells-job.yaml"))) job.Load(reader);
            var args = (YamlSequenceNode)At(job.Documents[0].RootNode, "spec", "template", "spec", "containers", 0, "args");
            // What the pod receives, after Kubernetes expands its arguments: the folder as named, the index as set.
            var pod = new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = "3", ["HOME"] = "/root" };
            Assert.That(KubernetesExpansion(((YamlScalarNode)args.Children[2]).Value!, pod), Is.EqualTo("/runs/" + folderName));
            Assert.That(KubernetesExpansion(((YamlScalarNode)args.Children[4]).Value!, pod), Is.EqualTo("3"));
            Assert.That(args.Children.Skip(5).Select(a => ((YamlScalarNode)a).Value), Is.EqualTo(new[] { "--wait-if-busy", "30" }), "a pod beside a live copy of itself waits for it");
        }
    }
}
