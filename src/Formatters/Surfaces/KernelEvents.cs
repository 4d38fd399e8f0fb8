// The few .NET Interactive kernel types the notebook surface needs, reached by reflection because the kernel's
// packages are not referenced (and moved between namespaces across versions): KernelInvocationContext.Current, its
// command, Publish, and the DisplayedValueProduced / DisplayedValueUpdated events with their FormattedValues.
using System.Reflection;
using DeepLearnKit.Display;

namespace DeepLearnKit.Formatters.Surfaces;

internal static class KernelEvents
{
    private const string Namespace = "Microsoft.DotNet.Interactive";

    private static Type? Find(params string[] fullNames)
    {
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
            foreach (var name in fullNames)
                if (assembly.GetType(name, throwOnError: false) is { } type) return type;
        return null;
    }

    /// <summary>The current KernelInvocationContext, or null outside a running kernel command.</summary>
    public static object? Current() =>
        Find($"{Namespace}.KernelInvocationContext")?.GetProperty("Current", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);

    /// <summary>Publishes DisplayedValueProduced with a new display id and returns a handle that publishes DisplayedValueUpdated with it.</summary>
    public static IDisplayHandle Display(object context, object value)
    {
        var id = Guid.NewGuid().ToString("N");
        var produced = Find($"{Namespace}.Events.DisplayedValueProduced")
            ?? throw new InvalidOperationException("NotebookDisplaySurface: the kernel has a KernelInvocationContext but no DisplayedValueProduced event type.");
        Publish(context, Create(produced, new()
        {
            ["value"] = value,
            ["command"] = Command(context),
            ["formattedValues"] = null,   // filled in by Create from the event's parameter type
            ["valueId"] = id,
        }, value));
        return new Handle(context, id);
    }

    private sealed class Handle(object context, string id) : IDisplayHandle
    {
        private object context = context;

        public void Update(object value)
        {
            ArgumentNullException.ThrowIfNull(value);
            // A later cell's context carries that cell's command, as the kernel's own DisplayedValue.Update does.
            context = Current() ?? context;
            var updated = Find($"{Namespace}.Events.DisplayedValueUpdated")
                ?? throw new InvalidOperationException("NotebookDisplaySurface: the kernel has no DisplayedValueUpdated event type.");
            Publish(context, Create(updated, new()
            {
                ["value"] = value,
                ["valueId"] = id,
                ["command"] = Command(context),
                ["formattedValues"] = null,
            }, value));
        }
    }

    private static object? Command(object context)
    {
        var type = context.GetType();
        return (type.GetProperty("CurrentlyExecutingCommand") ?? type.GetProperty("Command"))?.GetValue(context);
    }

    private static void Publish(object context, object kernelEvent)
    {
        var publish = context.GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(m => m.Name == "Publish" && m.GetParameters() is { Length: >= 1 } p && p[0].ParameterType.IsInstanceOfType(kernelEvent)
                && p.Skip(1).All(x => x.HasDefaultValue))
            ?? throw new InvalidOperationException($"NotebookDisplaySurface: {context.GetType().FullName} has no Publish method for {kernelEvent.GetType().Name}.");
        var arguments = publish.GetParameters().Select((p, i) => i == 0 ? kernelEvent : p.DefaultValue).ToArray();
        publish.Invoke(context, arguments);
    }

    /// <summary>Calls the constructor of <paramref name="eventType"/> whose parameters are all named in <paramref name="arguments"/> (or optional).</summary>
    private static object Create(Type eventType, Dictionary<string, object?> arguments, object value)
    {
        foreach (var constructor in eventType.GetConstructors().OrderByDescending(c => c.GetParameters().Length))
        {
            var parameters = constructor.GetParameters();
            if (!parameters.All(p => arguments.ContainsKey(p.Name!) || p.HasDefaultValue)) continue;
            var values = parameters.Select(p => p.Name == "formattedValues" ? FormattedValues(p.ParameterType, value)
                : arguments.TryGetValue(p.Name!, out var v) ? v : p.DefaultValue).ToArray();
            return constructor.Invoke(values);
        }
        throw new InvalidOperationException($"NotebookDisplaySurface: no constructor of {eventType.FullName} takes (value, command, formattedValues, valueId).");
    }

    /// <summary>FormattedValue[] (the kernel's own type, read off the parameter) for text/html and text/plain.</summary>
    private static Array FormattedValues(Type parameterType, object value)
    {
        var elementType = parameterType.IsArray ? parameterType.GetElementType()! : parameterType.GetGenericArguments().Single();
        var formatted = NotebookDisplaySurface.Format(value).ToArray();
        var array = Array.CreateInstance(elementType, formatted.Length);
        for (int i = 0; i < formatted.Length; i++)
            array.SetValue(Activator.CreateInstance(elementType, formatted[i].MimeType, formatted[i].Text), i);
        return array;
    }
}
