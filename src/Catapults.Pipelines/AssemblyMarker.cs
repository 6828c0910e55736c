namespace Catapults.Pipelines; /// <summary>Placeholder.</summary> internal static class AssemblyMarker { }
