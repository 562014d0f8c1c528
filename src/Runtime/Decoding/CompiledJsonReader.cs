using System.ComponentModel;
using System.Text.Json;

namespace KubeInformers;

/// <summary>
/// A reader the source generator emits for one model type: decodes the object at the reader's opening brace in one
/// pass, exactly as <c>JsonSerializer</c> with KubernetesClient's options would, or reports why it cannot. Called by the
/// runtime only; thread-safe.
/// </summary>
/// <typeparam name="T">The model type.</typeparam>
/// <param name="reader">At the object's opening brace; the buffer may end inside the object. On <see cref="CompiledReadResult.Done"/>
/// it is left at the closing brace; otherwise in no useful state (the caller restores its own copy).</param>
/// <param name="value">The object, on <see cref="CompiledReadResult.Done"/>.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate CompiledReadResult CompiledJsonReader<T>(ref Utf8JsonReader reader, out T? value) where T : class;
