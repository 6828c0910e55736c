// An app that references only the Catapults.Pipelines package (Catapults.ML, TorchSharp and libtorch come with it).
OurTraining.Engine();
OurTraining.Pipeline();
Console.WriteLine("DONE");
