using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeInformers.Emulator.Internal.Validation;

namespace KubeInformers.Emulator.Tests.Validation;

/// <summary>The structural-schema validator: what it prunes, defaults and rejects, with the API server's paths and messages.</summary>
public class StructuralSchemaValidatorTests
{
    private static readonly V1JSONSchemaProps Schema = KubernetesJson.Deserialize<V1JSONSchemaProps>("""
        {
          "type": "object",
          "properties": {
            "spec": {
              "type": "object",
              "required": ["engine", "version"],
              "x-kubernetes-validations": [{"rule": "!has(self.backup) || self.replicas >= 1", "message": "backups need at least one replica"}],
              "properties": {
                "engine": {"type": "string", "enum": ["Postgres", "MySql"]},
                "version": {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)*$", "minLength": 1, "maxLength": 6},
                "replicas": {"type": "integer", "format": "int32", "minimum": 0, "maximum": 9, "default": 1},
                "ratio": {"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1.5, "exclusiveMaximum": true},
                "users": {"type": "array", "maxItems": 2, "minItems": 1, "items": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}},
                "limits": {"type": "object", "additionalProperties": {"x-kubernetes-int-or-string": true, "anyOf": [{"type": "integer"}, {"type": "string"}]}},
                "extensions": {"x-kubernetes-preserve-unknown-fields": true},
                "backup": {"type": "object", "properties": {"keep": {"type": "integer", "default": 7}}},
                "tags": {"type": "array", "items": {"type": "string"}}
              }
            },
            "status": {"type": "object", "properties": {"phase": {"type": "string"}}}
          }
        }
        """);

    private static readonly StructuralSchemaValidator Validator = StructuralSchemaValidator.Compile(Schema);

    private static JsonObject Object(string spec) => JsonNode.Parse($$"""{"apiVersion": "data.example.com/v1", "kind": "Database", "metadata": {"name": "a", "x": 1}, "spec": {{spec}}}""")!.AsObject();

    [Fact]
    public void ValidObjectPassesAndGetsDefaults()
    {
        var obj = Object("""{"engine": "Postgres", "version": "17.2", "backup": {}}""");
        Assert.Empty(Validator.Apply(obj));
        Assert.Equal(1, (int)obj["spec"]!["replicas"]!);
        Assert.Equal(7, (int)obj["spec"]!["backup"]!["keep"]!);
        Assert.Equal(1, (int)obj["metadata"]!["x"]!); // metadata is the server's, never pruned by the schema
    }

    [Fact]
    public void NumbersBuiltInCodeAreJudgedByTheirValue()
    {
        // The emulator itself writes values as CLR numbers (the scale subresource sets spec.replicas to an int): they must
        // be typed and range-checked exactly like the same numbers parsed from a request body.
        var obj = Object("""{"engine": "Postgres", "version": "1"}""");
        obj["spec"]!["replicas"] = 3;
        obj["spec"]!["ratio"] = 0.5m;
        Assert.Empty(Validator.Apply(obj));

        obj["spec"]!["replicas"] = 12;
        Assert.Contains(Validator.Apply(obj), e => e.Field == "spec.replicas");
        obj["spec"]!["replicas"] = 2.5;
        Assert.Contains(Validator.Apply(obj), e => e.Field == "spec.replicas" && e.Message.Contains("must be of type integer"));
    }

    [Fact]
    public void UnknownFieldsArePrunedUnlessPreserved()
    {
        var obj = Object("""{"engine": "Postgres", "version": "1", "bogus": true, "extensions": {"any": {"thing": [1]}}, "users": [{"name": "x", "extra": 1}]}""");
        obj["unknownTop"] = 5;
        Assert.Empty(Validator.Apply(obj));
        Assert.Null(obj["spec"]!["bogus"]);
        Assert.False(obj.ContainsKey("unknownTop"));
        Assert.Equal("""{"name":"x"}""", obj["spec"]!["users"]![0]!.ToJsonString());
        Assert.Equal("""{"any":{"thing":[1]}}""", obj["spec"]!["extensions"]!.ToJsonString());
    }

    [Fact]
    public void NullsOfNonNullableFieldsAreDroppedThenDefaulted()
    {
        var obj = Object("""{"engine": "Postgres", "version": "1", "replicas": null, "tags": null}""");
        Assert.Empty(Validator.Apply(obj));
        Assert.Equal(1, (int)obj["spec"]!["replicas"]!);
        Assert.False(obj["spec"]!.AsObject().ContainsKey("tags"));
    }

    [Theory]
    [InlineData("""{"engine": "Postgres"}""", "spec.version", "FieldValueRequired", "spec.version: Required value")]
    [InlineData("""{"engine": "Oracle", "version": "1"}""", "spec.engine", "FieldValueNotSupported", "spec.engine: Unsupported value: \"Oracle\": supported values: \"Postgres\", \"MySql\"")]
    [InlineData("""{"engine": "Postgres", "version": "1", "replicas": "three"}""", "spec.replicas", "FieldValueTypeInvalid", "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"")]
    [InlineData("""{"engine": "Postgres", "version": "1", "replicas": 1.5}""", "spec.replicas", "FieldValueTypeInvalid", "spec.replicas: Invalid value: \"number\": spec.replicas in body must be of type integer: \"number\"")]
    [InlineData("""{"engine": "Postgres", "version": "1", "replicas": 10}""", "spec.replicas", "FieldValueInvalid", "spec.replicas: Invalid value: 10: spec.replicas in body should be less than or equal to 9")]
    [InlineData("""{"engine": "Postgres", "version": "1", "replicas": -1}""", "spec.replicas", "FieldValueInvalid", "spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0")]
    [InlineData("""{"engine": "Postgres", "version": "1", "ratio": 0}""", "spec.ratio", "FieldValueInvalid", "spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0")]
    [InlineData("""{"engine": "Postgres", "version": "1", "ratio": 1.5}""", "spec.ratio", "FieldValueInvalid", "spec.ratio: Invalid value: 1.5: spec.ratio in body should be less than 1.5")]
    [InlineData("""{"engine": "Postgres", "version": "x.1"}""", "spec.version", "FieldValueInvalid", "spec.version: Invalid value: \"x.1\": spec.version in body should match '^[0-9]+(\\.[0-9]+)*$'")]
    [InlineData("""{"engine": "Postgres", "version": "1.2.3.4"}""", "spec.version", "FieldValueTooLong", "spec.version: Too long: may not be more than 6 bytes")]
    [InlineData("""{"engine": "Postgres", "version": "1", "users": []}""", "spec.users", "FieldValueInvalid", "spec.users: Invalid value: 0: spec.users in body should have at least 1 items")]
    [InlineData("""{"engine": "Postgres", "version": "1", "users": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}""", "spec.users", "FieldValueTooMany", "spec.users: Too many: 3: must have at most 2 items")]
    [InlineData("""{"engine": "Postgres", "version": "1", "users": [{"name": "a"}, {}]}""", "spec.users[1].name", "FieldValueRequired", "spec.users[1].name: Required value")]
    [InlineData("""{"engine": "Postgres", "version": "1", "limits": {"cpu": true}}""", "spec.limits[cpu]", "FieldValueTypeInvalid", "spec.limits[cpu]: Invalid value: \"boolean\": spec.limits[cpu] in body must be of type integer,string: \"boolean\"")]
    [InlineData("""{"engine": "Postgres", "version": "1", "replicas": 0, "backup": {}}""", "spec", "FieldValueInvalid", "spec: Invalid value: \"object\": backups need at least one replica")]
    [InlineData("""[1]""", "spec", "FieldValueTypeInvalid", "spec: Invalid value: \"array\": spec in body must be of type object: \"array\"")]
    public void InvalidObjectIsRejectedWithTheServersPathReasonAndMessage(string spec, string field, string reason, string message)
    {
        var errors = Validator.Apply(Object(spec));
        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Equal(reason, error.Reason);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void IntOrStringTakesBothAndEveryErrorIsReported()
    {
        Assert.Empty(Validator.Apply(Object("""{"engine": "Postgres", "version": "1", "limits": {"cpu": 2, "memory": "1Gi"}}""")));
        var errors = Validator.Apply(Object("""{"engine": "Nope", "replicas": 99}"""));
        Assert.Equal(["spec.engine", "spec.replicas", "spec.version"], errors.Select(e => e.Field).Order());
        var empty = Validator.Apply(Object("""{"engine": "Postgres", "version": ""}""")).Select(e => e.Message).ToList();
        Assert.Contains("spec.version: Invalid value: \"\": spec.version in body should be at least 1 chars long", empty);
        Assert.Contains("spec.version: Invalid value: \"\": spec.version in body should match '^[0-9]+(\\.[0-9]+)*$'", empty);
    }

    [Theory]
    [InlineData("self.a <= self.b", """{"a": 1, "b": 2}""", true)]
    [InlineData("self.a <= self.b", """{"a": 3, "b": 2}""", false)]
    [InlineData("size(self.name) > 0 && self.name.size() < 5", """{"name": "abc"}""", true)]
    [InlineData("has(self.x) ? self.x == 'on' : true", """{}""", true)]
    [InlineData("has(self.x) ? self.x == 'on' : true", """{"x": "off"}""", false)]
    [InlineData("self.mode in ['a', 'b'] || !has(self.mode)", """{"mode": "b"}""", true)]
    [InlineData("self.items[0] * 2 + 1 == 7 && self.labels['k'] == 'v'", """{"items": [3], "labels": {"k": "v"}}""", true)]
    [InlineData("self.ratio > 0.5", """{"ratio": 0.75}""", true)]
    public void CelSubsetEvaluatesRules(string rule, string self, bool expected)
    {
        var expression = CelSubset.TryParse(rule);
        Assert.NotNull(expression);
        var (value, error) = expression!.Evaluate(JsonNode.Parse(self));
        Assert.Null(error);
        Assert.Equal(expected, value);
    }

    [Fact]
    public void CelOutsideTheSubsetIsNotParsedAndMissingKeysAreRuntimeErrors()
    {
        Assert.Null(CelSubset.TryParse("self.items.all(i, i > 0)"));
        Assert.Null(CelSubset.TryParse("self.name.matches('^a')"));
        Assert.Null(CelSubset.TryParse("oldSelf == self"));
        var (_, error) = CelSubset.TryParse("self.missing > 1")!.Evaluate(JsonNode.Parse("{}"));
        Assert.Equal("no such key: missing", error);
    }
}
