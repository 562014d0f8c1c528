using System.Collections.Generic;
using System.Globalization;
using KubeInformers.Generator.Helpers;
using KubeInformers.Generator.Model;

namespace KubeInformers.Generator;

public sealed partial class InformerGenerator
{
    /// <summary>
    /// Writes C# from the model: a pure function of it (no symbols, no compilation), so the same model always gives the
    /// same text. Every name is <c>global::</c>-qualified and every generated member has XML docs.
    /// </summary>
    internal static class Emitter
    {
        private const string GeneratedCode = "[global::System.CodeDom.Compiler.GeneratedCode(\"KubeInformers.Generator\", \"1.0.0\")]";
        private const string Ns = "global::KubeInformers.";
        private const string ReadOnlyNote = "Cached objects are shared with every reader: treat them as read-only (copy before changing).";

        /// <summary>The file of one resource: informer, lister, namespace lister (namespaced only) and indexes.</summary>
        public static string EmitResource(ResourceOutput output)
        {
            var r = output.Resource;
            var w = Header();
            var model = r.ModelType;
            var access = r.IsPublic ? "public" : "internal";
            var what = Describe(r);
            var informer = r.Stem + "Informer";
            var lister = r.Stem + "Lister";
            var nsLister = r.Stem + "NamespaceLister";
            var indexes = r.Stem + "Indexes";
            var indexFunc = Ns + "IndexFunc<" + model + ">";

            OpenNamespace(w, output.Namespace);
            if (r.Projection is not null)
            {
                ProjectionEmitter.Emit(w, output);
            }

            // Informer
            w.Summary($"The typed informer of {what}: a shared cache kept in step with the API server, its lister and typed event handlers.");
            w.Doc($"<remarks>Get it from the generated factory (<c>factory.{output.GroupAccessor}.{output.VersionAccessor}.{output.ResourceAccessor}</c>) so that one informer serves every caller. {ReadOnlyNote}</remarks>");
            w.Line(GeneratedCode);
            w.Open($"{access} sealed partial class {informer}");
            w.Summary($"The resource: group <c>{Display(r.Group)}</c>, version <c>{Escape(r.Version)}</c>, plural <c>{Escape(r.Plural)}</c>, kind <c>{r.Kind}</c>, {(r.Namespaced ? "namespaced" : "cluster-scoped")}.");
            w.Line($"public static {Ns}ResourceDescriptor Resource {{ get; }} = new {Ns}ResourceDescriptor({Literal(r.Group)}, {Literal(r.Version)}, {Literal(r.Plural)}, {Literal(r.Kind)}, {(r.Namespaced ? "true" : "false")});");
            w.Line();
            w.Summary($"Wraps an informer built without the generated factory (one created with a custom <see cref=\"{Ns}IListWatch{{T}}\"/>, say) and registers the indexes of <see cref=\"{indexes}\"/> it does not have yet. The factory's accessor <c>factory.{output.GroupAccessor}.{output.VersionAccessor}.{output.ResourceAccessor}</c> is the way to get the shared one.");
            w.Doc("<param name=\"informer\">The shared informer of <see cref=\"Resource\"/>.</param>");
            w.Open($"public {informer}({Ns}SharedIndexInformer<{model}> informer)");
            w.Line("Informer = informer ?? throw new global::System.ArgumentNullException(nameof(informer));");
            if (r.Indexes.Count > 0)
            {
                w.Line($"{output.Qualify(indexes)}.AddTo(informer);");
            }

            w.Line($"Lister = new {output.Qualify(lister)}(informer.Lister);");
            w.Close();
            w.Line();
            w.Summary("The underlying shared informer.");
            w.Line($"public {Ns}SharedIndexInformer<{model}> Informer {{ get; }}");
            w.Line();
            w.Summary($"Reads the cache: list with a label selector, get by {(r.Namespaced ? "namespace and name" : "name")}, typed index lookups. {ReadOnlyNote}");
            w.Line($"public {output.Qualify(lister)} Lister {{ get; }}");
            w.Line();
            w.Summary("Whether the informer has delivered its first full list to the cache.");
            w.Line("public bool HasSynced => Informer.HasSynced;");
            w.Line();
            w.Summary("Sets the informer's transform, run once on every object the server sends before it is cached (never on resyncs or tombstones). Only before the informer starts.");
            w.Doc("<param name=\"transform\">Returns the object to cache (the same one changed, or another with the same namespace and name); never null.</param>");
            w.Doc("<exception cref=\"global::System.InvalidOperationException\">The informer has started.</exception>");
            w.Line($"public void SetTransform(global::System.Func<{model}, {model}> transform) => Informer.SetTransform(transform);");
            w.Line();
            w.Summary("Registers typed event handlers (unset ones do nothing). Calls for one registration never overlap; a slow handler delays only itself.");
            w.Doc("<param name=\"onAdd\">Called with the object and whether it comes from the initial list (or, for a handler added late, the existing cache).</param>");
            w.Doc("<param name=\"onUpdate\">Called with the old and new object; on a resync both have the same resourceVersion.</param>");
            w.Doc("<param name=\"onDelete\">Called with the last known object and whether the delete was inferred by a relist (then the object may be stale); tombstones are already unwrapped.</param>");
            w.Doc("<param name=\"resyncPeriod\">This handler's resync period (null: the informer's default; floored at 1 s).</param>");
            w.Doc("<returns>The registration, to remove the handler or to wait until it has received the initial list.</returns>");
            w.Line($"public {Ns}IEventHandlerRegistration AddEventHandler(");
            w.Line($"    global::System.Action<{model}, bool>? onAdd = null,");
            w.Line($"    global::System.Action<{model}, {model}>? onUpdate = null,");
            w.Line($"    global::System.Action<{model}, bool>? onDelete = null,");
            w.Line("    global::System.TimeSpan? resyncPeriod = null)");
            w.Line($"    => Informer.AddEventHandler(new {Ns}ResourceEventHandler<{model}> {{ Added = onAdd, Updated = onUpdate, Deleted = onDelete }}, resyncPeriod);");
            w.Line();
            w.Summary("Registers an event handler object.");
            w.Doc("<param name=\"handler\">The handler.</param>");
            w.Doc("<param name=\"resyncPeriod\">This handler's resync period (null: the informer's default; floored at 1 s).</param>");
            w.Doc("<returns>The registration.</returns>");
            w.Line($"public {Ns}IEventHandlerRegistration AddEventHandler({Ns}IResourceEventHandler<{model}> handler, global::System.TimeSpan? resyncPeriod = null)");
            w.Line("    => Informer.AddEventHandler(handler, resyncPeriod);");
            w.Line();
            w.Summary("Unregisters a handler; it receives nothing more. Idempotent.");
            w.Doc("<param name=\"registration\">The registration returned by <c>AddEventHandler</c>.</param>");
            w.Line($"public void RemoveEventHandler({Ns}IEventHandlerRegistration registration) => Informer.RemoveEventHandler(registration);");
            w.Line();
            w.Summary("Waits until the informer has synced.");
            w.Doc("<param name=\"cancellationToken\">Stops waiting.</param>");
            w.Doc("<returns><see langword=\"true\"/> once synced; <see langword=\"false\"/> if cancelled or stopped first.</returns>");
            w.Line("public global::System.Threading.Tasks.Task<bool> WaitForCacheSyncAsync(global::System.Threading.CancellationToken cancellationToken = default)");
            w.Line("    => Informer.WaitForCacheSyncAsync(cancellationToken);");
            w.Close();
            w.Line();

            EmitLister(w, output, access, what, lister, nsLister, indexes);
            if (r.Namespaced)
            {
                w.Line();
                EmitNamespaceLister(w, output, access, what, nsLister, indexes);
            }

            w.Line();
            EmitIndexes(w, output, access, what, indexes, indexFunc);
            CloseNamespace(w, output.Namespace);
            return w.ToString();
        }

        private static void EmitLister(SourceWriter w, ResourceOutput output, string access, string what, string lister, string nsLister, string indexes)
        {
            var r = output.Resource;
            var model = r.ModelType;
            var list = "global::System.Collections.Generic.IReadOnlyList<" + model + ">";
            w.Summary($"Reads the cached objects of {what}{(r.Namespaced ? " across all namespaces" : string.Empty)}. Cheap to create; thread-safe.");
            w.Doc($"<remarks>{ReadOnlyNote}</remarks>");
            w.Line(GeneratedCode);
            w.Open($"{access} sealed partial class {lister}");
            w.Summary("Wraps a runtime lister.");
            w.Doc("<param name=\"inner\">The runtime lister over the informer's cache.</param>");
            w.Line($"public {lister}({Ns}Lister<{model}> inner) => Inner = inner ?? throw new global::System.ArgumentNullException(nameof(inner));");
            w.Line();
            w.Summary("The runtime lister this one wraps.");
            w.Line($"public {Ns}Lister<{model}> Inner {{ get; }}");
            w.Line();
            w.Summary("The cached objects that match <paramref name=\"selector\"/> (all of them when null).");
            w.Doc("<param name=\"selector\">A label selector, or null.</param>");
            w.Line($"public {list} List({Ns}LabelSelector? selector = null) => Inner.List(selector);");
            w.Line();
            w.Summary("The cached objects that match a label selector such as <c>app=web,tier!=db</c>.");
            w.Doc("<param name=\"labelSelector\">The selector text.</param>");
            w.Doc("<exception cref=\"global::System.FormatException\">The selector is not valid.</exception>");
            w.Line($"public {list} List(string labelSelector) => Inner.List(labelSelector);");
            w.Line();
            if (r.Namespaced)
            {
                w.Summary("The cached object <paramref name=\"name\"/> in <paramref name=\"namespace\"/>, or null.");
                w.Doc("<param name=\"namespace\">The namespace.</param>");
                w.Doc("<param name=\"name\">The name.</param>");
                w.Line($"public {model}? Get(string @namespace, string name) => Inner.Get(@namespace, name);");
                w.Line();
                w.Summary("A lister restricted to <paramref name=\"namespace\"/>.");
                w.Doc("<param name=\"namespace\">The namespace.</param>");
                w.Line($"public {output.Qualify(nsLister)} Namespace(string @namespace) => new {output.Qualify(nsLister)}(Inner.Namespace(@namespace));");
            }
            else
            {
                w.Summary("The cached object <paramref name=\"name\"/>, or null.");
                w.Doc("<param name=\"name\">The name.</param>");
                w.Line($"public {model}? Get(string name) => Inner.Get(name);");
            }

            foreach (var index in r.Indexes)
            {
                w.Line();
                w.Summary($"The cached objects whose index <c>{Escape(index.Name)}</c> ({IndexOrigin(index)}) contains <paramref name=\"value\"/>.");
                w.Doc("<param name=\"value\">The indexed value.</param>");
                w.Line($"public {list} {index.MemberName}(string value) => Inner.ByIndex({output.Qualify(indexes)}.{index.MemberName}, value);");
            }

            w.Close();
        }

        private static void EmitNamespaceLister(SourceWriter w, ResourceOutput output, string access, string what, string nsLister, string indexes)
        {
            var r = output.Resource;
            var model = r.ModelType;
            var list = "global::System.Collections.Generic.IReadOnlyList<" + model + ">";
            w.Summary($"Reads the cached objects of {what} in one namespace. Cheap to create; thread-safe.");
            w.Doc($"<remarks>{ReadOnlyNote}</remarks>");
            w.Line(GeneratedCode);
            w.Open($"{access} sealed partial class {nsLister}");
            w.Summary("Wraps a runtime namespace lister.");
            w.Doc("<param name=\"inner\">The runtime namespace lister.</param>");
            w.Line($"public {nsLister}({Ns}NamespaceLister<{model}> inner) => Inner = inner ?? throw new global::System.ArgumentNullException(nameof(inner));");
            w.Line();
            w.Summary("The runtime namespace lister this one wraps.");
            w.Line($"public {Ns}NamespaceLister<{model}> Inner {{ get; }}");
            w.Line();
            w.Summary("The namespace this lister reads.");
            w.Line("public string NamespaceName => Inner.NamespaceName;");
            w.Line();
            w.Summary("The namespace's cached objects that match <paramref name=\"selector\"/> (all of them when null).");
            w.Doc("<param name=\"selector\">A label selector, or null.</param>");
            w.Line($"public {list} List({Ns}LabelSelector? selector = null) => Inner.List(selector);");
            w.Line();
            w.Summary("The namespace's cached objects that match a label selector such as <c>app=web</c>.");
            w.Doc("<param name=\"labelSelector\">The selector text.</param>");
            w.Doc("<exception cref=\"global::System.FormatException\">The selector is not valid.</exception>");
            w.Line($"public {list} List(string labelSelector) => Inner.List(labelSelector);");
            w.Line();
            w.Summary("The cached object <paramref name=\"name\"/> in this namespace, or null.");
            w.Doc("<param name=\"name\">The name.</param>");
            w.Line($"public {model}? Get(string name) => Inner.Get(name);");
            foreach (var index in r.Indexes)
            {
                w.Line();
                w.Summary($"The namespace's cached objects whose index <c>{Escape(index.Name)}</c> ({IndexOrigin(index)}) contains <paramref name=\"value\"/>.");
                w.Doc("<param name=\"value\">The indexed value.</param>");
                w.Line($"public {list} {index.MemberName}(string value) => Inner.ByIndex({output.Qualify(indexes)}.{index.MemberName}, value);");
            }

            w.Close();
        }

        private static void EmitIndexes(SourceWriter w, ResourceOutput output, string access, string what, string indexes, string indexFunc)
        {
            var r = output.Resource;
            var model = r.ModelType;
            var enumerable = "global::System.Collections.Generic.IEnumerable<string>";
            w.Summary($"The typed indexes of {what}: their names and index functions, registered on the informer when it is created.");
            w.Line(GeneratedCode);
            w.Open($"{access} static partial class {indexes}");
            foreach (var index in r.Indexes)
            {
                w.Summary($"The name of the index <c>{Escape(index.Name)}</c> ({IndexOrigin(index)}).");
                w.Line($"public const string {index.MemberName} = {Literal(index.Name)};");
                w.Line();
            }

            w.Summary("Every index function of this resource, by index name.");
            w.Line($"public static global::System.Collections.Generic.IReadOnlyDictionary<string, {indexFunc}> Indexers {{ get; }} =");
            w.Line($"    new global::System.Collections.ObjectModel.ReadOnlyDictionary<string, {indexFunc}>(");
            w.Line($"        new global::System.Collections.Generic.Dictionary<string, {indexFunc}>(global::System.StringComparer.Ordinal)");
            w.Line("        {");
            foreach (var index in r.Indexes)
            {
                w.Line($"            [{index.MemberName}] = Index{index.MemberName},");
            }

            w.Line("        });");
            w.Line();
            w.Summary("Adds to <paramref name=\"informer\"/> the indexes of <see cref=\"Indexers\"/> it does not have yet (an index of the same name already there is kept). Safe to call more than once.");
            w.Doc("<param name=\"informer\">The informer.</param>");
            w.Open($"public static void AddTo({Ns}SharedIndexInformer<{model}> informer)");
            w.Line("(informer ?? throw new global::System.ArgumentNullException(nameof(informer))).EnsureIndexers(Indexers);");
            w.Close();
            foreach (var index in r.Indexes)
            {
                w.Line();
                w.Summary($"Computes the values of index <c>{Escape(index.Name)}</c> ({IndexOrigin(index)}) for <paramref name=\"obj\"/>; empty when the value is absent.");
                w.Doc("<param name=\"obj\">The object (never mutated).</param>");
                w.Doc("<returns>The index values.</returns>");
                if (index.IsMethod)
                {
                    w.Line($"public static {enumerable} Index{index.MemberName}({model} obj)");
                    w.Line($"    => {index.MethodContainingType}.{index.MethodName}(obj) ?? global::System.Array.Empty<string>();");
                }
                else
                {
                    w.Open($"public static {enumerable} Index{index.MemberName}({model} obj)");
                    EmitPath(w, index);
                    w.Close();
                }
            }

            w.Close();
        }

        // Walks the resolved steps with null checks; single-valued paths return at the leaf, multi-valued ones collect.
        private static void EmitPath(SourceWriter w, IndexSpec index)
        {
            if (index.MultiValued)
            {
                w.Line("global::System.Collections.Generic.List<string>? values = null;");
            }

            var current = "obj";
            var opened = 0;
            for (var i = 0; i < index.Steps.Count; i++)
            {
                var step = index.Steps[i];
                var next = "v" + i.ToString(CultureInfo.InvariantCulture);
                switch (step.Kind)
                {
                    case PathStepKind.Property:
                        if (step.NullCheck)
                        {
                            w.Open($"if ({current}.{step.Text} is {{ }} {next})");
                            opened++;
                        }
                        else
                        {
                            w.Line($"var {next} = {current}.{step.Text};");
                        }

                        break;
                    case PathStepKind.MapKey:
                        w.Open($"if ({current}.TryGetValue({Literal(step.Text)}, out var {next}Raw){(step.NullCheck ? $" && {next}Raw is {{ }} {next}" : string.Empty)})");
                        if (!step.NullCheck)
                        {
                            w.Line($"var {next} = {next}Raw;");
                        }

                        opened++;
                        break;
                    case PathStepKind.Each:
                        w.Open($"foreach (var {next}Item in {current})");
                        opened++;
                        if (step.NullCheck)
                        {
                            w.Open($"if ({next}Item is {{ }} {next})");
                            opened++;
                        }
                        else
                        {
                            w.Line($"var {next} = {next}Item;");
                        }

                        break;
                }

                current = next;
            }

            var value = index.Leaf switch
            {
                LeafKind.String => current,
                LeafKind.Enum => current + ".ToString()",
                LeafKind.Boolean => "(" + current + " ? \"true\" : \"false\")",
                _ => current + ".ToString(global::System.Globalization.CultureInfo.InvariantCulture)",
            };
            w.Line(index.MultiValued
                ? "(values ??= new global::System.Collections.Generic.List<string>()).Add(" + value + ");"
                : "return new[] { " + value + " };");
            for (var i = 0; i < opened; i++)
            {
                w.Close();
            }

            w.Line();
            w.Line(index.MultiValued
                ? "return (global::System.Collections.Generic.IEnumerable<string>?)values ?? global::System.Array.Empty<string>();"
                : "return global::System.Array.Empty<string>();");
        }

        /// <summary>The factory: group → version → resource properties over the runtime factory.</summary>
        public static string EmitFactory(FactorySpec factory)
        {
            var w = Header();
            var access = factory.IsPublic ? "public" : "internal";
            var self = "global::" + (factory.Namespace.Length == 0 ? string.Empty : factory.Namespace + ".") + factory.TypeName;
            OpenNamespace(w, factory.Namespace);
            w.Summary("The typed informer factory of this assembly: one shared informer per resource, reached as <c>factory.Group.Version.Resources</c>, created on first use and started by <see cref=\"global::KubeInformers.SharedInformerFactory.Start\"/>.");
            w.Doc("<remarks>");
            w.Doc("Resources: " + string.Join(", ", Paths(factory)) + ".");
            w.Doc(ReadOnlyNote);
            w.Doc("</remarks>");
            w.Line(GeneratedCode);
            w.Open($"{access} partial class {factory.TypeName} : {Ns}SharedInformerFactory");
            w.Summary("Creates a factory that lists and watches through <paramref name=\"client\"/>.");
            w.Doc("<param name=\"client\">The Kubernetes client (its HTTP pipeline and credentials are used).</param>");
            w.Doc("<param name=\"options\">Namespace, selectors, resync and transform options; null for the defaults.</param>");
            w.Doc("<param name=\"loggerFactory\">Logging, or null.</param>");
            w.Doc("<param name=\"timeProvider\">The clock, or null for the system clock.</param>");
            w.Line($"public {factory.TypeName}(");
            w.Line("    global::k8s.IKubernetes client,");
            w.Line($"    {Ns}SharedInformerFactoryOptions? options = null,");
            w.Line("    global::Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null,");
            w.Line("    global::System.TimeProvider? timeProvider = null)");
            w.Line("    : base(client, options, loggerFactory, timeProvider)");
            w.Open();
            foreach (var group in factory.Groups)
            {
                w.Line($"{group.Accessor} = new {self}.{group.Accessor}Informers(this);");
            }

            w.Close();
            foreach (var group in factory.Groups)
            {
                w.Line();
                w.Summary($"The informers of the {GroupName(group.Group)}.");
                w.Line($"public {self}.{group.Accessor}Informers {group.Accessor} {{ get; }}");
            }

            foreach (var group in factory.Groups)
            {
                w.Line();
                w.Summary($"The versions of the {GroupName(group.Group)} that have generated informers.");
                w.Line(GeneratedCode);
                w.Open($"public sealed partial class {group.Accessor}Informers");
                w.Open($"internal {group.Accessor}Informers({self} factory)");
                foreach (var version in group.Versions)
                {
                    w.Line($"{version.Accessor} = new {self}.{group.Accessor}{version.Accessor}Informers(factory);");
                }

                w.Close();
                foreach (var version in group.Versions)
                {
                    w.Line();
                    w.Summary($"The informers of <c>{Escape(ApiVersion(group.Group, version.Version))}</c>.");
                    w.Line($"public {self}.{group.Accessor}{version.Accessor}Informers {version.Accessor} {{ get; }}");
                }

                w.Close();
                foreach (var version in group.Versions)
                {
                    w.Line();
                    w.Summary($"The informers of <c>{Escape(ApiVersion(group.Group, version.Version))}</c>, each created on first use and shared.");
                    w.Line(GeneratedCode);
                    w.Open($"public sealed partial class {group.Accessor}{version.Accessor}Informers");
                    w.Line($"private readonly {self} _factory;");
                    w.Line("private object? _lock;");
                    foreach (var resource in version.Resources)
                    {
                        w.Line($"private {resource.InformerType}? _{Field(resource.Accessor)};");
                    }

                    w.Line();
                    w.Line($"internal {group.Accessor}{version.Accessor}Informers({self} factory) => _factory = factory;");
                    foreach (var resource in version.Resources)
                    {
                        w.Line();
                        w.Summary($"The shared informer of <c>{resource.Kind}</c> (<see cref=\"{resource.ModelType}\"/>, {(resource.Namespaced ? "namespaced" : "cluster-scoped")}), created on first use with its indexes registered. {ReadOnlyNote}");
                        w.Line($"public {resource.InformerType} {resource.Accessor}");
                        w.Line($"    => global::System.Threading.Volatile.Read(ref _{Field(resource.Accessor)})");
                        w.Line($"        ?? global::System.Threading.LazyInitializer.EnsureInitialized(ref _{Field(resource.Accessor)}, ref _lock, () => new {resource.InformerType}(_factory.InformerFor<{resource.ModelType}>({resource.InformerType}.Resource)));");
                    }

                    w.Close();
                }
            }

            w.Close();
            CloseNamespace(w, factory.Namespace);
            return w.ToString();
        }

        private static IEnumerable<string> Paths(FactorySpec factory)
        {
            foreach (var group in factory.Groups)
            {
                foreach (var version in group.Versions)
                {
                    foreach (var resource in version.Resources)
                    {
                        yield return $"<c>{group.Accessor}.{version.Accessor}.{resource.Accessor}</c>";
                    }
                }
            }
        }

        private static SourceWriter Header()
        {
            var w = new SourceWriter();
            w.Line("// <auto-generated/>");
            w.Line("// Generated by KubeInformers.Generator from [GenerateInformer] declarations. Do not edit.");
            w.Line("#nullable enable");
            w.Line();
            return w;
        }

        private static void OpenNamespace(SourceWriter w, string ns)
        {
            if (ns.Length > 0)
            {
                w.Open("namespace " + ns);
            }
        }

        private static void CloseNamespace(SourceWriter w, string ns)
        {
            if (ns.Length > 0)
            {
                w.Close();
            }
        }

        private static string Describe(ResourceSpec r)
            => $"<see cref=\"{r.ModelType}\"/> (kind <c>{r.Kind}</c>, <c>{Escape(ApiVersion(r.Group, r.Version))}</c>, {(r.Namespaced ? "namespaced" : "cluster-scoped")} resource <c>{Escape(r.Plural)}</c>)";

        private static string IndexOrigin(IndexSpec index)
            => index.IsMethod
                ? $"computed by <see cref=\"{index.MethodContainingType}.{index.MethodName}\"/>"
                : $"JSON path <c>{Escape(index.JsonPath ?? string.Empty)}</c>{(index.MultiValued ? ", multi-valued" : string.Empty)}";

        private static string ApiVersion(string group, string version) => group.Length == 0 ? version : group + "/" + version;

        private static string GroupName(string group) => group.Length == 0 ? "core API group" : "<c>" + Escape(group) + "</c> API group";

        private static string Display(string group) => group.Length == 0 ? "\"\" (core)" : Escape(group);

        // Resource accessors are letters and digits, so "_{accessor}Informer" never meets the fixed fields _factory and _lock.
        private static string Field(string accessor) => char.ToLowerInvariant(accessor[0]) + accessor.Substring(1) + "Informer";

        /// <summary>XML doc text on one line: markup characters escaped, line breaks and other control characters turned into spaces.</summary>
        internal static string Escape(string text)
        {
            var builder = new System.Text.StringBuilder(text.Length);
            foreach (var c in text)
            {
                builder.Append(c switch
                {
                    '&' => "&amp;",
                    '<' => "&lt;",
                    '>' => "&gt;",
                    '"' => "&quot;",
                    _ when char.IsControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085' => " ",
                    _ => c.ToString(),
                });
            }

            return builder.ToString();
        }

        /// <summary>A C# string literal.</summary>
        public static string Literal(string text)
        {
            var builder = new System.Text.StringBuilder(text.Length + 2);
            builder.Append('"');
            foreach (var c in text)
            {
                switch (c)
                {
                    case '"': builder.Append("\\\""); break;
                    case '\\': builder.Append("\\\\"); break;
                    case '\n': builder.Append("\\n"); break;
                    case '\r': builder.Append("\\r"); break;
                    case '\t': builder.Append("\\t"); break;
                    case '\0': builder.Append("\\0"); break;
                    default:
                        if (char.IsControl(c) || c == '\u2028' || c == '\u2029')
                        {
                            builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            builder.Append(c);
                        }

                        break;
                }
            }

            return builder.Append('"').ToString();
        }
    }
}
