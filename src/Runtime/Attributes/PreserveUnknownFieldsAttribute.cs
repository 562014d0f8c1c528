namespace KubeInformers;

/// <summary>
/// Marks a property (or every use of a class) as <c>x-kubernetes-preserve-unknown-fields: true</c> in the generated
/// CRD schema: the API server keeps fields the schema does not list instead of pruning them.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class PreserveUnknownFieldsAttribute : Attribute
{
}
