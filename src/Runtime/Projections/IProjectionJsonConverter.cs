namespace KubeInformers;

/// <summary>
/// Marks a JSON converter generated for an <see cref="InformerProjectionAttribute">informer projection</see>. The
/// runtime's decoder calls such a converter directly on a value it already knows to be complete in the reader's buffer
/// (a list item, a watch event's object), instead of going through <c>JsonSerializer</c>, which would scan the value once
/// more just to scope the reader to it. Generated code implements it; there is nothing to call.
/// </summary>
/// <remarks>
/// An implementation must read exactly one JSON object, leave the reader on its closing brace, work on a reader that is
/// not the final block (use <c>TrySkip</c>, not <c>Skip</c>), and be thread-safe.
/// </remarks>
public interface IProjectionJsonConverter
{
}
