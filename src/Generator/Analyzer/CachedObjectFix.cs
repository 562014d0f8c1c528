namespace KubeInformers.Generator;

/// <summary>
/// The diagnostic properties through which <see cref="CachedObjectMutationAnalyzer"/> tells the code fix where a copy goes
/// (KubeInformers.CodeFixes reads them). Set only when the assembly has a generated <c>DeepCopy()</c> for the object's type;
/// the first additional location of the diagnostic is the expression or parameter to copy.
/// </summary>
public static class CachedObjectFix
{
    /// <summary>The key of the kind of copy (<see cref="CopyValue"/> or <see cref="CopyParameter"/>).</summary>
    public const string Kind = "KubeInformers.CachedObjectFix";

    /// <summary><see cref="Kind"/>: append <c>.DeepCopy()</c> (or <c>?.DeepCopy()</c>) to the expression at the additional location.</summary>
    public const string CopyValue = nameof(CopyValue);

    /// <summary><see cref="Kind"/>: copy the handler parameter at the additional location into a local and use the copy.</summary>
    public const string CopyParameter = nameof(CopyParameter);

    /// <summary>The key saying the value may be null ("true"), so the copy is <c>?.DeepCopy()</c>.</summary>
    public const string MaybeNull = "KubeInformers.MaybeNull";
}
