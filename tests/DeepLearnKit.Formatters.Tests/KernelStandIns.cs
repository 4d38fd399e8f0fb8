// Stand-ins with the names and constructor shapes of the .NET Interactive kernel's types (KernelInvocationContext,
// the display events, FormattedValue), so the notebook surface's reflection path runs without the kernel.
using Microsoft.DotNet.Interactive.Events;

namespace Microsoft.DotNet.Interactive
{
    public class KernelCommand;

    public sealed class KernelInvocationContext
    {
        public static KernelInvocationContext? Current { get; set; }

        public KernelCommand Command { get; } = new();

        public List<KernelEvent> Published { get; } = [];

        public void Publish(KernelEvent kernelEvent, bool publishOnAmbientContextOnly = false) => Published.Add(kernelEvent);
    }

    public sealed class FormattedValue(string mimeType, string value)
    {
        public string MimeType { get; } = mimeType;

        public string Value { get; } = value;
    }
}

namespace Microsoft.DotNet.Interactive.Events
{
    public abstract class KernelEvent;

    public sealed class DisplayedValueProduced(object value, KernelCommand command, IReadOnlyCollection<FormattedValue>? formattedValues = null, string? valueId = null) : KernelEvent
    {
        public object Value { get; } = value;
        public KernelCommand Command { get; } = command;
        public IReadOnlyCollection<FormattedValue> FormattedValues { get; } = formattedValues ?? [];
        public string? ValueId { get; } = valueId;
    }

    public sealed class DisplayedValueUpdated(object value, string valueId, KernelCommand? command = null, IReadOnlyCollection<FormattedValue>? formattedValues = null) : KernelEvent
    {
        public object Value { get; } = value;
        public string ValueId { get; } = valueId;
        public KernelCommand? Command { get; } = command;
        public IReadOnlyCollection<FormattedValue> FormattedValues { get; } = formattedValues ?? [];
    }
}
