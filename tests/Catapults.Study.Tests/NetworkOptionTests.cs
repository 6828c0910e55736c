using System.Text.Json.Nodes;
using Catapults.ML.Serialization;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.Study.Tests;

/// <summary>--no-bias reaches the network, its saved weights and config.json.</summary>
public sealed class NetworkOptionTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void NoBiasBuildsTheNetworkWithoutBiases(bool noBias)
    {
        using (var temp = new TempDirectory())
        {
            string output = temp.Combine("study-bias");
            var args = new List<string>
            {
                "gd-catapults", "--n-train", "64", "--n-test", "64", "--width", "16", "--phase-steps", "20", "--raises", "1",
                "--threads", "1", "--out", output,
            };
            if (noBias) args.Add("--no-bias");
            var (code, stdout, error) = StudyCli.Run(args.ToArray());
            Assert.That(code, Is.EqualTo(0), stdout + error);

            string run = Path.Combine(output, "runs", "gd-seed0");
            var names = SafetensorsFile.Read(Path.Combine(run, "model.safetensors")).Tensors.Select(t => t.Name).ToList();
            var config = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "config.json")))!;
            if (noBias)
            {
                Assert.That(names, Has.None.Contains("bias"));
                Assert.That((bool?)config["network"]!["useBias"], Is.False);
            }
            else
            {
                Assert.That(names.Count(n => n.EndsWith("bias", StringComparison.Ordinal)), Is.EqualTo(2), "fcn-2 has a hidden and a readout bias");
                Assert.That(config["network"]!["useBias"], Is.Null, "the architecture's default");
            }
        }
    }
}
