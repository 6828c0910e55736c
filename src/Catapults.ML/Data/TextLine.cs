namespace Catapults.ML.Data;

/// <summary>One line of a text file with its 1-based number and the byte offset where it starts.</summary>
internal readonly record struct TextLine(int Number, long ByteOffset, string Text);
