using System.Collections;
using Microsoft.Build.Framework;

namespace Catapults.Packaging.Tests.NativeFix;

/// <summary>The least an MSBuild task needs to run outside MSBuild: somewhere to log, kept for the assertions.</summary>
public sealed class RecordingBuildEngine : IBuildEngine
{
    /// <summary>Every message, warning and error the task logged, in order.</summary>
    public List<string> Log { get; } = new();

    public bool ContinueOnError => false;
    public int LineNumberOfTaskNode => 0;
    public int ColumnNumberOfTaskNode => 0;
    public string ProjectFileOfTaskNode => "test";

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) =>
        throw new NotSupportedException();

    public void LogCustomEvent(CustomBuildEventArgs e) => Log.Add(e.Message ?? "");
    public void LogErrorEvent(BuildErrorEventArgs e) => Log.Add("error: " + e.Message);
    public void LogMessageEvent(BuildMessageEventArgs e) => Log.Add(e.Message ?? "");
    public void LogWarningEvent(BuildWarningEventArgs e) => Log.Add("warning: " + e.Message);
}
