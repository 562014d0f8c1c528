using System.Collections.Generic;
using System.Linq;
using KubeInformers.Generator.Helpers;
using KubeInformers.Generator.Model;
using Microsoft.CodeAnalysis;

namespace KubeInformers.Generator;

public sealed partial class InformerGenerator
{
    /// <summary>
    /// Joins every parsed declaration into one <see cref="GenerationModel"/>: merges redundant declarations, attaches
    /// assembly-level and method indexes, names namespaces and accessors, and drops whatever conflicts (reporting an
    /// <see cref="Issue"/> for each, which the analyzer turns into a diagnostic at the declaration's location).
    /// Built-ins are placed before custom resources, so on a conflict the custom resource is the one dropped.
    /// Deterministic: the result depends only on the inputs and their order, and is sorted ordinally.
    /// </summary>
    internal static class Assembler
    {
        /// <summary>The default factory type name.</summary>
        public const string DefaultFactoryName = "InformerFactory";

        // Members of SharedInformerFactory and object that a group accessor must not hide.
        private static readonly HashSet<string> ReservedAccessors = new(System.StringComparer.Ordinal)
        {
            "Options", "Informers", "InformerFor", "Start", "WaitForCacheSyncAsync", "ShutdownAsync", "DisposeAsync",
            "CreateListWatch", "Equals", "GetHashCode", "ToString", "GetType", "MemberwiseClone", "Finalize",
        };

        /// <summary>A problem found while assembling: about explicit resource <see cref="Resource"/> or index <see cref="Index"/> (-1 when not).</summary>
        public sealed class Issue
        {
            public Issue(DiagnosticDescriptor descriptor, int resource, int index, params object[] args)
            {
                Descriptor = descriptor;
                Resource = resource;
                Index = index;
                Args = args;
            }

            public DiagnosticDescriptor Descriptor { get; }

            public int Resource { get; }

            public int Index { get; }

            public object[] Args { get; }
        }

        /// <summary>Assembles the model.</summary>
        /// <param name="explicitResources">Resources declared with <c>[GenerateInformer]</c>, in declaration order.</param>
        /// <param name="catalogue">The built-in catalogue when opted in, else empty.</param>
        /// <param name="indexes">Indexes declared apart from their resource, in declaration order.</param>
        /// <param name="options">The factory naming options, or null.</param>
        /// <param name="defaultNamespace">The namespace used when <paramref name="options"/> names none.</param>
        /// <param name="issues">Receives the problems, or null.</param>
        public static GenerationModel Assemble(
            IReadOnlyList<ResourceSpec> explicitResources,
            IReadOnlyList<ResourceSpec> catalogue,
            IReadOnlyList<TargetedIndex> indexes,
            FactoryOptions? options,
            string defaultNamespace,
            List<Issue>? issues)
        {
            var factoryNamespace = options?.Namespace ?? defaultNamespace;
            var factoryName = options?.TypeName ?? DefaultFactoryName;

            // 1. Explicit declarations, deduplicated by model type (a second one is redundant), then the catalogue.
            var entries = new List<Entry>();
            var byModel = new Dictionary<string, Entry>(System.StringComparer.Ordinal);
            for (var i = 0; i < explicitResources.Count; i++)
            {
                var spec = explicitResources[i];
                if (byModel.ContainsKey(spec.ModelType))
                {
                    issues?.Add(new Issue(DiagnosticDescriptors.RedundantDeclaration, i, -1, spec.ModelName));
                    continue;
                }

                var entry = new Entry(spec, i);
                entries.Add(entry);
                byModel.Add(spec.ModelType, entry);
            }

            foreach (var spec in catalogue)
            {
                if (!byModel.ContainsKey(spec.ModelType))
                {
                    var entry = new Entry(spec, -1);
                    entries.Add(entry);
                    byModel.Add(spec.ModelType, entry);
                }
            }

            // 2. Indexes declared elsewhere.
            for (var j = 0; j < indexes.Count; j++)
            {
                var targeted = indexes[j];
                if (!byModel.TryGetValue(targeted.ModelType, out var entry))
                {
                    issues?.Add(new Issue(DiagnosticDescriptors.IndexWithoutInformer, -1, j, targeted.Index.Name, Simple(targeted.ModelType)));
                    continue;
                }

                if (Naming.ClashesWithGeneratedType(targeted.Index.MemberName, entry.Spec.Stem))
                {
                    issues?.Add(new Issue(DiagnosticDescriptors.InvalidAttributeArgument, -1, j,
                        $"Index '{targeted.Index.Name}' would generate the member '{targeted.Index.MemberName}', which clashes with the generated type of the same name; rename the index"));
                    continue;
                }

                if (entry.Indexes.Any(x => x.Name == targeted.Index.Name || x.MemberName == targeted.Index.MemberName))
                {
                    issues?.Add(new Issue(DiagnosticDescriptors.DuplicateIndexName, -1, j, targeted.Index.Name, entry.Spec.ModelName));
                    continue;
                }

                entry.Indexes.Add(targeted.Index);
            }

            // 3. Built-ins first, then custom resources, each in declaration order; later ones lose conflicts.
            var ordered = entries.Where(e => e.Spec.IsBuiltIn).Concat(entries.Where(e => !e.Spec.IsBuiltIn)).ToList();
            var groupAccessors = new Dictionary<string, string>(System.StringComparer.Ordinal); // group → accessor
            foreach (var entry in ordered)
            {
                if (entry.Spec.GroupAccessor is { } explicitAccessor && !groupAccessors.ContainsKey(entry.Spec.Group))
                {
                    groupAccessors[entry.Spec.Group] = explicitAccessor;
                }
            }

            var accessorOwner = new Dictionary<string, string>(System.StringComparer.Ordinal); // accessor → group
            var factoryMembers = new Dictionary<string, string>(System.StringComparer.Ordinal); // factory member name → owner
            var resourceKeys = new Dictionary<string, Entry>(System.StringComparer.Ordinal);   // group/version/plural
            var typeNames = new Dictionary<string, Entry>(System.StringComparer.Ordinal);      // namespace.KindInformer
            var accessorPaths = new Dictionary<string, Entry>(System.StringComparer.Ordinal);  // Group.Version.Resource
            var outputs = new List<ResourceOutput>();
            foreach (var entry in ordered)
            {
                var spec = entry.Spec;
                if (!groupAccessors.TryGetValue(spec.Group, out var groupAccessor))
                {
                    groupAccessor = Naming.GroupAccessor(spec.Group);
                    groupAccessors[spec.Group] = groupAccessor;
                }

                if (ReservedAccessors.Contains(groupAccessor))
                {
                    issues?.Add(new Issue(DiagnosticDescriptors.AccessorCollision, entry.Declaration, -1,
                        spec.Group, "a member of SharedInformerFactory", groupAccessor));
                    continue;
                }

                if (accessorOwner.TryGetValue(groupAccessor, out var owner) && owner != spec.Group)
                {
                    issues?.Add(new Issue(DiagnosticDescriptors.AccessorCollision, entry.Declaration, -1, spec.Group, owner, groupAccessor));
                    continue;
                }

                // Every member of the factory (group properties, group and version classes) shares one name space with
                // the others and must differ from the factory's own name.
                var versionAccessorName = Naming.VersionAccessor(spec.Version);
                var claims = new[]
                {
                    (Name: groupAccessor, Owner: "group '" + spec.Group + "'"),
                    (Name: groupAccessor + "Informers", Owner: "group '" + spec.Group + "'"),
                    (Name: groupAccessor + versionAccessorName + "Informers", Owner: "version '" + spec.Group + "/" + spec.Version + "'"),
                };
                var clash = claims.FirstOrDefault(c => c.Name == factoryName
                    || (factoryMembers.TryGetValue(c.Name, out var claimedBy) && claimedBy != c.Owner));
                if (clash.Name is not null)
                {
                    issues?.Add(new Issue(DiagnosticDescriptors.AccessorCollision, entry.Declaration, -1, spec.Group,
                        clash.Name == factoryName ? "the factory type " + factoryName : factoryMembers[clash.Name], clash.Name));
                    continue;
                }

                // A projection reads the same resource as its full model, into another type: it is keyed apart.
                var resourceKey = spec.Group + "/" + spec.Version + "/" + spec.Plural + (spec.Projection is null ? string.Empty : "#" + spec.ModelType);
                if (resourceKeys.TryGetValue(resourceKey, out var first))
                {
                    issues?.Add(new Issue(DiagnosticDescriptors.DuplicateResource, entry.Declaration, -1,
                        spec.ModelName, first.Spec.ModelName, "resource '" + resourceKey.TrimStart('/') + "'"));
                    continue;
                }

                var versionAccessor = Naming.VersionAccessor(spec.Version);
                var resourceAccessor = spec.Projection?.Accessor ?? Naming.ResourceAccessor(spec.Plural, spec.Kind);
                var path = groupAccessor + "." + versionAccessor + "." + resourceAccessor;
                if (spec.Projection is null && resourceAccessor == groupAccessor + versionAccessor + "Informers")
                {
                    issues?.Add(new Issue(DiagnosticDescriptors.AccessorCollision, entry.Declaration, -1,
                        resourceKey.TrimStart('/'), "its version class", resourceAccessor));
                    continue;
                }

                if (spec.Projection is not null && (accessorPaths.TryGetValue(path, out first) || resourceAccessor == groupAccessor + versionAccessor + "Informers"))
                {
                    issues?.Add(new Issue(DiagnosticDescriptors.ProjectionAccessorCollision, entry.Declaration, -1,
                        spec.ModelName, path, first is null ? "the version class" : first.Spec.Projection is null ? "the informer of " + first.Spec.ModelName : "the projection " + first.Spec.ModelName));
                    continue;
                }

                if (accessorPaths.TryGetValue(path, out first))
                {
                    issues?.Add(new Issue(DiagnosticDescriptors.AccessorCollision, entry.Declaration, -1,
                        resourceKey.TrimStart('/'), first.Spec.Group + "/" + first.Spec.Version + "/" + first.Spec.Plural, path));
                    continue;
                }

                var ns = spec.TypeNamespace ?? Join(factoryNamespace, "Informers." + groupAccessor + "." + versionAccessor);
                var generatedTypes = Naming.GeneratedTypeNames(spec.Stem, spec.Namespaced).Select(t => Join(ns, t)).ToList();
                var typeName = generatedTypes.FirstOrDefault(typeNames.ContainsKey);
                if (typeName is not null)
                {
                    issues?.Add(new Issue(DiagnosticDescriptors.DuplicateResource, entry.Declaration, -1,
                        spec.ModelName, typeNames[typeName].Spec.ModelName, "the generated type '" + typeName + "'"));
                    continue;
                }

                accessorOwner[groupAccessor] = spec.Group;
                foreach (var claim in claims)
                {
                    factoryMembers[claim.Name] = claim.Owner;
                }

                resourceKeys.Add(resourceKey, entry);
                accessorPaths.Add(path, entry);
                foreach (var generated in generatedTypes)
                {
                    typeNames.Add(generated, entry);
                }

                var resource = spec with { Indexes = entry.Indexes.OrderBy(i => i.Name, System.StringComparer.Ordinal).ToEquatableArray() };
                outputs.Add(new ResourceOutput(resource, ns, groupAccessor, versionAccessor, resourceAccessor));
            }

            outputs.Sort((a, b) => System.StringComparer.Ordinal.Compare(a.HintName, b.HintName));
            if (outputs.Count == 0)
            {
                return new GenerationModel(EquatableArray<ResourceOutput>.Empty, null);
            }

            var groups = outputs
                .GroupBy(o => o.GroupAccessor)
                .OrderBy(g => g.Key, System.StringComparer.Ordinal)
                .Select(g => new FactoryGroup(g.Key, g.First().Resource.Group, g
                    .GroupBy(o => o.VersionAccessor)
                    .OrderBy(v => v.Key, System.StringComparer.Ordinal)
                    .Select(v => new FactoryVersion(v.Key, v.First().Resource.Version, v
                        .OrderBy(o => o.ResourceAccessor, System.StringComparer.Ordinal)
                        .Select(o => new FactoryResource(o.ResourceAccessor, o.InformerType, o.Resource.ModelType, o.Resource.Kind, o.Resource.Namespaced))
                        .ToEquatableArray()))
                    .ToEquatableArray()))
                .ToEquatableArray();
            var factory = new FactorySpec(factoryNamespace, factoryName, outputs.All(o => o.Resource.IsPublic), groups);
            return new GenerationModel(outputs.ToEquatableArray(), factory);
        }

        private static string Join(string ns, string name) => ns.Length == 0 ? name : ns + "." + name;

        private static string Simple(string fullyQualified)
        {
            var dot = fullyQualified.LastIndexOf('.');
            return dot < 0 ? fullyQualified.Replace("global::", string.Empty) : fullyQualified.Substring(dot + 1);
        }

        private sealed class Entry
        {
            public Entry(ResourceSpec spec, int declaration)
            {
                Spec = spec;
                Declaration = declaration;
                Indexes = spec.Indexes.ToList();
            }

            public ResourceSpec Spec { get; }

            public int Declaration { get; }

            public List<IndexSpec> Indexes { get; }
        }
    }
}
