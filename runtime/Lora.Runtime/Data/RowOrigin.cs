namespace Lora.Runtime.Data;

/// <summary>Where a stored row came from.</summary>
/// <param name="File">Its file's index in <see cref="TokenStore.Files"/>.</param>
/// <param name="Line">Its line number, from 1.</param>
/// <param name="LineOffset">The byte its line starts at, to read the row again (<see cref="JsonlReader.ReadAt"/>).</param>
public readonly record struct RowOrigin(int File, int Line, long LineOffset);
