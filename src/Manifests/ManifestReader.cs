using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace KubeInformers.Manifests;

/// <summary>
/// Reads the <c>KubeInformers.GeneratedManifestAttribute</c>s of an assembly file from its metadata tables, without
/// loading it (no type is resolved, no code runs, the file is not locked afterwards). Stateless; thread-safe.
/// </summary>
internal static class ManifestReader
{
    private const string AttributeNamespace = "KubeInformers";
    private const string AttributeName = "GeneratedManifestAttribute";

    /// <summary>The manifests recorded in <paramref name="assemblyPath"/>, in metadata order.</summary>
    /// <exception cref="InvalidDataException">The file is not a .NET assembly or an attribute blob is malformed.</exception>
    public static IReadOnlyList<GeneratedManifest> Read(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
        {
            throw new InvalidDataException($"'{assemblyPath}' is not a .NET assembly (it has no metadata).");
        }

        var reader = pe.GetMetadataReader();
        if (!reader.IsAssembly)
        {
            throw new InvalidDataException($"'{assemblyPath}' is a module, not an assembly.");
        }

        var result = new List<GeneratedManifest>();
        foreach (var handle in reader.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = reader.GetCustomAttribute(handle);
            if (!IsGeneratedManifest(reader, attribute.Constructor))
            {
                continue;
            }

            result.Add(Decode(reader.GetBlobReader(attribute.Value), assemblyPath));
        }

        return result;
    }

    private static bool IsGeneratedManifest(MetadataReader reader, EntityHandle constructor)
    {
        EntityHandle type;
        switch (constructor.Kind)
        {
            case HandleKind.MemberReference:
                type = reader.GetMemberReference((MemberReferenceHandle)constructor).Parent;
                break;
            case HandleKind.MethodDefinition:
                type = reader.GetMethodDefinition((MethodDefinitionHandle)constructor).GetDeclaringType();
                break;
            default:
                return false;
        }

        return type.Kind switch
        {
            HandleKind.TypeReference => Is(reader, reader.GetTypeReference((TypeReferenceHandle)type).Namespace, reader.GetTypeReference((TypeReferenceHandle)type).Name),
            HandleKind.TypeDefinition => Is(reader, reader.GetTypeDefinition((TypeDefinitionHandle)type).Namespace, reader.GetTypeDefinition((TypeDefinitionHandle)type).Name),
            _ => false,
        };
    }

    private static bool Is(MetadataReader reader, StringHandle ns, StringHandle name)
        => reader.StringComparer.Equals(ns, AttributeNamespace) && reader.StringComparer.Equals(name, AttributeName);

    /// <summary>Decodes the blob of <c>(string fileName, string kind, string yaml, string? json)</c> (ECMA-335 II.23.3).</summary>
    private static GeneratedManifest Decode(BlobReader blob, string assemblyPath)
    {
        try
        {
            if (blob.ReadUInt16() != 1)
            {
                throw new InvalidDataException("bad prolog");
            }

            var fileName = blob.ReadSerializedString();
            var kind = blob.ReadSerializedString();
            var yaml = blob.ReadSerializedString();
            if (fileName is null || kind is null || yaml is null)
            {
                throw new InvalidDataException("a null file name, kind or text");
            }

            return new GeneratedManifest(fileName, kind, yaml);
        }
        catch (Exception ex) when (ex is BadImageFormatException or InvalidDataException)
        {
            throw new InvalidDataException($"A GeneratedManifest attribute of '{assemblyPath}' cannot be read: {ex.Message}.", ex);
        }
    }
}
