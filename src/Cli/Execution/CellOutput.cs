// What running a cell produces, in the shapes of Jupyter's output types.
namespace DeepLearnKit.Cli.Execution;

/// <summary>One output of a cell run.</summary>
public abstract record CellOutput;

/// <summary>
/// A displayed value, formatted once per MIME type (<c>text/html</c>, <c>text/plain</c>, …). With an
/// <see cref="ExecutionCount"/> it is the cell's result (its last expression), otherwise a <c>display(...)</c>.
/// </summary>
public sealed record DisplayOutput(IReadOnlyDictionary<string, string> Data, int? ExecutionCount = null) : CellOutput;

/// <summary>Text the cell wrote to the console (<c>stdout</c> or <c>stderr</c>).</summary>
public sealed record StreamOutput(string Name, string Text) : CellOutput;

/// <summary>A compile error or an exception: its type name, message, and the lines Jupyter shows under it.</summary>
public sealed record ErrorOutput(string Name, string Message, IReadOnlyList<string> Traceback) : CellOutput;
