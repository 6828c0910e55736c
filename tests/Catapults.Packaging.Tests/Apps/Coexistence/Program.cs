// An app that references Catapults.Pipelines and Microsoft.ML.TorchSharp 0.23.1 side by side (TorchSharp 0.107.0 wins).
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.TorchSharp;

OurTraining.Engine();
OurTraining.Pipeline();

var ml = new MLContext(seed: 0);
// Constructing only: fitting them downloads pretrained weights.
IEstimator<ITransformer>[] trainers =
{
    ml.MulticlassClassification.Trainers.TextClassification(sentence1ColumnName: "Sentence"),
    ml.MulticlassClassification.Trainers.NamedEntityRecognition(),
    ml.Regression.Trainers.SentenceSimilarity(sentence1ColumnName: "Sentence1", sentence2ColumnName: "Sentence2"),
};
foreach (var trainer in trainers) Console.WriteLine($"CONSTRUCTED {trainer.GetType().FullName}");

// Which of Microsoft.ML.TorchSharp's methods no longer bind against the TorchSharp in this process: compiling each
// method resolves every member it calls, and a member TorchSharp lacks fails as MissingMethodException.
var assembly = typeof(TorchSharpCatalog).Assembly;
const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
int compiled = 0;
foreach (var type in assembly.GetTypes())
{
    if (type.ContainsGenericParameters) continue;
    foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
    {
        if (method.IsAbstract || method.ContainsGenericParameters || method.GetMethodBody() is null) continue;
        try
        {
            RuntimeHelpers.PrepareMethod(method.MethodHandle);
            compiled++;
        }
        catch (Exception ex) when (ex is MissingMethodException or MissingFieldException or TypeLoadException)
        {
            Console.WriteLine($"MISSING {type.FullName}::{method.Name} | {ex.Message.Split('\n')[0]}");
        }
    }
}
Console.WriteLine($"COMPILED {compiled}");
Console.WriteLine("DONE");
