using k8s.Models;

namespace KubeInformers.Tests.Selectors;

public sealed class LabelSelectorTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("   ", "")]
    [InlineData("a=b", "a=b")]
    [InlineData("a==b", "a=b")]
    [InlineData("a!=b", "a!=b")]
    [InlineData("a in (y,x)", "a in (x,y)")]
    [InlineData("a in (x,x)", "a in (x)")]
    [InlineData("a notin (x)", "a notin (x)")]
    [InlineData("a", "a")]
    [InlineData("!a", "!a")]
    [InlineData("! a", "!a")]
    [InlineData(" a = b , c in ( x , y ) ", "a=b,c in (x,y)")]
    [InlineData("x=1,a=2", "a=2,x=1")]
    [InlineData("a=", "a=")]
    [InlineData("a in ()", "a in ()")]
    [InlineData("a in (x,)", "a in (,x)")]
    [InlineData("example.com/app=web", "example.com/app=web")]
    [InlineData("a.b_c-D=V.1_x-Y", "a.b_c-D=V.1_x-Y")]
    [InlineData("a>1,b<3", "a>1,b<3")]
    [InlineData("tier notin(a,b),app", "app,tier notin (a,b)")]
    public void Parse_AcceptsKubernetesSyntax_AndToStringIsCanonical(string text, string canonical)
    {
        var selector = LabelSelector.Parse(text);

        Assert.Equal(canonical, selector.ToString());
        Assert.Equal(canonical, LabelSelector.Parse(selector.ToString()).ToString());
    }

    [Theory]
    [InlineData("a=b", "a:b", true)]
    [InlineData("a=b", "a:c", false)]
    [InlineData("a=b", "", false)]
    [InlineData("a==b", "a:b", true)]
    [InlineData("a!=b", "", true)]
    [InlineData("a!=b", "a:b", false)]
    [InlineData("a!=b", "a:c", true)]
    [InlineData("a in (x,y)", "a:y", true)]
    [InlineData("a in (x,y)", "a:z", false)]
    [InlineData("a in (x,y)", "", false)]
    [InlineData("a notin (x)", "", true)]
    [InlineData("a notin (x)", "a:x", false)]
    [InlineData("a notin (x)", "a:y", true)]
    [InlineData("a", "a:", true)]
    [InlineData("a", "b:a", false)]
    [InlineData("!a", "", true)]
    [InlineData("!a", "a:1", false)]
    [InlineData("a=", "a:", true)]
    [InlineData("a=", "", false)]
    [InlineData("a>1", "a:2", true)]
    [InlineData("a>1", "a:1", false)]
    [InlineData("a>1", "a:x", false)]
    [InlineData("a<1", "", false)]
    [InlineData("a=b,c", "a:b,c:d", true)]
    [InlineData("a=b,c", "a:b", false)]
    [InlineData("", "", true)]
    public void Matches_FollowsKubernetesSemantics(string selector, string labels, bool expected)
    {
        var set = labels.Length == 0
            ? new Dictionary<string, string>()
            : labels.Split(',').Select(p => p.Split(':')).ToDictionary(p => p[0], p => p[1]);

        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(set));
    }

    [Fact]
    public void Matches_NullLabels_AreNoLabels()
    {
        Assert.True(LabelSelector.Parse("!a,b!=c").Matches(null));
        Assert.False(LabelSelector.Parse("a").Matches(null));
        Assert.True(LabelSelector.Everything.Matches(null));
    }

    [Theory]
    [InlineData("a=b c", 4, "expected ',' or the end")]
    [InlineData("a in (x", 7, "expected ')'")]
    [InlineData("a in x", 5, "expected '('")]
    [InlineData("!a=b", 2, "takes no operator")]
    [InlineData("a,", 2, "expected a requirement after ','")]
    [InlineData("-a=b", 0, "must consist of alphanumerics")]
    [InlineData("=b", 0, "expected a label key")]
    [InlineData("Example.com/a=b", 0, "is not a DNS subdomain")]
    [InlineData("/a=b", 0, "empty prefix")]
    [InlineData("a/b/c=d", 0, "")]
    [InlineData("a>x", 2, "must be an integer")]
    [InlineData("a b", 2, "expected an operator")]
    [InlineData("a=b-", 2, "label value 'b-'")]
    [InlineData("a=(b)", 2, "unexpected '('")]
    [InlineData("a in (x y)", 8, "expected ',' or ')'")]
    public void Parse_InvalidText_ThrowsFormatExceptionNamingPositionAndProblem(string text, int position, string problem)
    {
        var ex = Assert.Throws<FormatException>(() => LabelSelector.Parse(text));

        Assert.Contains($"at position {position}:", ex.Message);
        Assert.Contains(problem, ex.Message);
        Assert.False(LabelSelector.TryParse(text, out _, out var error));
        Assert.Equal(ex.Message, error);
    }

    [Fact]
    public void Parse_RejectsTooLongNamesAndValues()
    {
        Assert.Throws<FormatException>(() => LabelSelector.Parse(new string('a', 64) + "=b"));
        Assert.Throws<FormatException>(() => LabelSelector.Parse("a=" + new string('b', 64)));
        Assert.Throws<FormatException>(() => LabelSelector.Parse(new string('p', 254) + "/a=b"));
        Assert.Equal("a=" + new string('b', 63), LabelSelector.Parse("a=" + new string('b', 63)).ToString());
    }

    [Fact]
    public void FromLabelSelector_CombinesMatchLabelsAndExpressions()
    {
        var selector = LabelSelector.FromLabelSelector(new V1LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["app"] = "web" },
            MatchExpressions =
            [
                new V1LabelSelectorRequirement { Key = "tier", OperatorProperty = "In", Values = ["front", "back"] },
                new V1LabelSelectorRequirement { Key = "env", OperatorProperty = "NotIn", Values = ["prod"] },
                new V1LabelSelectorRequirement { Key = "canary", OperatorProperty = "DoesNotExist" },
                new V1LabelSelectorRequirement { Key = "owner", OperatorProperty = "Exists" },
            ],
        });

        Assert.Equal("app=web,!canary,env notin (prod),owner,tier in (back,front)", selector.ToString());
        Assert.True(selector.Matches(new Dictionary<string, string> { ["app"] = "web", ["tier"] = "back", ["owner"] = "me" }));
        Assert.False(selector.Matches(new Dictionary<string, string> { ["app"] = "web", ["tier"] = "back", ["owner"] = "me", ["canary"] = "1" }));
    }

    [Fact]
    public void FromLabelSelector_Empty_MatchesEverything()
        => Assert.True(LabelSelector.FromLabelSelector(new V1LabelSelector()).IsEverything);

    [Theory]
    [InlineData("Equals", new[] { "x" }, "not a valid label selector operator")]
    [InlineData("In", new string[0], "needs at least one value")]
    [InlineData("Exists", new[] { "x" }, "takes no values")]
    [InlineData("In", new[] { "bad value" }, "label value 'bad value'")]
    public void FromLabelSelector_InvalidExpression_ThrowsFormatException(string op, string[] values, string problem)
    {
        var ex = Assert.Throws<FormatException>(() => LabelSelector.FromLabelSelector(new V1LabelSelector
        {
            MatchExpressions = [new V1LabelSelectorRequirement { Key = "k", OperatorProperty = op, Values = values }],
        }));

        Assert.Contains("matchExpressions[0]", ex.Message);
        Assert.Contains(problem, ex.Message);
    }

    [Fact]
    public void Everything_IsTheEmptySelector()
    {
        Assert.True(LabelSelector.Everything.IsEverything);
        Assert.Equal("", LabelSelector.Everything.ToString());
        Assert.Same(LabelSelector.Everything, LabelSelector.Parse(""));
        Assert.False(LabelSelector.Parse("a").IsEverything);
    }

    [Fact]
    public void Requirements_AreExposedSortedByKey()
    {
        var selector = LabelSelector.Parse("b in (2,1),a");

        Assert.Collection(selector.Requirements,
            r => Assert.Equal(("a", LabelSelectorOperator.Exists, 0), (r.Key, r.Operator, r.Values.Count)),
            r =>
            {
                Assert.Equal(("b", LabelSelectorOperator.In), (r.Key, r.Operator));
                Assert.Equal(["1", "2"], r.Values);
            });
    }
}
