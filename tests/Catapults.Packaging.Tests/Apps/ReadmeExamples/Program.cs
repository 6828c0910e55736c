// The C# examples of the README and of the package page, one method each (ReadmeExample*.cs, PackagePageExample*.cs),
// written beside this file by the test. The app is built, not run: the examples need data and trained models that only
// a reader's own program has.
Console.WriteLine("BUILT");
