using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeInformers.Emulator.Internal.Validation;

/// <summary>
/// The few field validations of built-in objects the emulator is sure a real API server makes
/// (<c>pkg/apis/core/validation</c>, <c>pkg/apis/apps/validation</c>), answered as its 422 Invalid with field paths:
/// a Pod needs <c>spec.containers</c>, each container a <c>name</c> and an <c>image</c>; Deployments, ReplicaSets,
/// StatefulSets and DaemonSets need a <c>spec.selector</c> that matches <c>spec.template.metadata.labels</c> and a pod
/// template with containers, and their <c>spec.replicas</c> is not negative. Everything else the real validation
/// checks is not (see docs/emulator.md). Runs on objects that already decode (<see cref="OpenApi.BuiltInDecoding"/>).
/// Stateless and thread-safe.
/// </summary>
internal static class BuiltInValidation
{
    /// <summary>The errors of <paramref name="body"/>, an object of <paramref name="rt"/> about to be stored; empty when valid.</summary>
    public static List<FieldError> Validate(ResourceType rt, JsonObject body)
    {
        var errors = new List<FieldError>();
        switch (rt.Group, rt.Plural)
        {
            case ("", "pods"):
                PodSpec(body["spec"] as JsonObject, "spec", errors);
                break;
            case ("", "podtemplates"):
                PodSpec((body["template"] as JsonObject)?["spec"] as JsonObject, "template.spec", errors);
                break;
            case ("apps", "deployments" or "replicasets" or "statefulsets" or "daemonsets"):
                Workload(body["spec"] as JsonObject, rt.Plural, errors);
                break;
        }

        return errors;
    }

    /// <summary>The 422 the server answers, for built-in and custom resources alike: <c>Deployment.apps "web" is invalid: [...]</c> (<c>Kind "name"</c> for the core group), one cause per error.</summary>
    public static ApiException Invalid(ResourceType rt, string name, IReadOnlyList<FieldError> errors)
    {
        var causes = new JsonArray();
        foreach (var error in errors)
        {
            causes.Add(new JsonObject { ["reason"] = error.Reason, ["message"] = error.Message, ["field"] = error.Field });
        }

        var details = new JsonObject { ["name"] = name, ["group"] = rt.Group, ["kind"] = rt.Kind, ["causes"] = causes };
        var summary = errors.Count == 1 ? errors[0].Message : "[" + string.Join(", ", errors.Select(e => e.Message)) + "]";
        var kind = rt.Group.Length == 0 ? rt.Kind : rt.Kind + "." + rt.Group;
        return new ApiException(422, "Invalid", $"{kind} \"{name}\" is invalid: {summary}", details);
    }

    private static void Workload(JsonObject? spec, string plural, List<FieldError> errors)
    {
        if (plural != "daemonsets" && spec?["replicas"] is JsonValue replicas && replicas.GetValueKind() == JsonValueKind.Number
            && long.TryParse(replicas.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n < 0)
        {
            errors.Add(FieldError.Invalid("spec.replicas", replicas.ToJsonString(), "must be greater than or equal to 0"));
        }

        var selector = spec?["selector"] as JsonObject;
        var template = spec?["template"] as JsonObject;
        if (selector is null)
        {
            errors.Add(FieldError.Required("spec.selector"));
        }
        else if (selector["matchLabels"] is not JsonObject { Count: > 0 } && selector["matchExpressions"] is not JsonArray { Count: > 0 })
        {
            errors.Add(FieldError.Invalid("spec.selector", "v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}", "empty selector is invalid for " + (plural switch { "statefulsets" => "statefulset", "daemonsets" => "daemonset", _ => "deployment" })));
        }
        else if (selector["matchLabels"] is JsonObject matchLabels)
        {
            var labels = (template?["metadata"] as JsonObject)?["labels"] as JsonObject;
            var matches = matchLabels.All(p => labels is not null && labels[p.Key] is JsonValue v && JsonNode.DeepEquals(v, p.Value));
            if (!matches)
            {
                errors.Add(FieldError.Invalid("spec.template.metadata.labels", GoLabels(labels), "`selector` does not match template `labels`"));
            }
        }

        PodSpec(template?["spec"] as JsonObject, "spec.template.spec", errors);
    }

    private static void PodSpec(JsonObject? spec, string path, List<FieldError> errors)
    {
        if (spec?["containers"] is not JsonArray { Count: > 0 } containers)
        {
            errors.Add(FieldError.Required(path + ".containers"));
            return;
        }

        for (var i = 0; i < containers.Count; i++)
        {
            var at = path + ".containers[" + i.ToString(CultureInfo.InvariantCulture) + "]";
            var container = containers[i] as JsonObject;
            if (container?["name"] is not JsonValue name || name.GetValueKind() != JsonValueKind.String || name.GetValue<string>().Length == 0)
            {
                errors.Add(FieldError.Required(at + ".name"));
            }

            if (container?["image"] is not JsonValue image || image.GetValueKind() != JsonValueKind.String || image.GetValue<string>().Length == 0)
            {
                errors.Add(FieldError.Required(at + ".image"));
            }
        }
    }

    /// <summary>Labels as Go's <c>%#v</c> prints a <c>map[string]string</c>, keys sorted.</summary>
    private static string GoLabels(JsonObject? labels)
    {
        if (labels is null || labels.Count == 0)
        {
            return "map[string]string(nil)";
        }

        var pairs = labels.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{JsonSerializer.Serialize(p.Key)}:{JsonSerializer.Serialize(p.Value?.ToString() ?? string.Empty)}");
        return "map[string]string{" + string.Join(", ", pairs) + "}";
    }
}
