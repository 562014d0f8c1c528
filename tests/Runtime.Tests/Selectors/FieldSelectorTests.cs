namespace KubeInformers.Tests.Selectors;

public sealed class FieldSelectorTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("metadata.name=foo", "metadata.name=foo")]
    [InlineData("a==b", "a=b")]
    [InlineData("a!=b", "a!=b")]
    [InlineData("b=1,a=2", "a=2,b=1")]
    [InlineData("a=b,,c=d", "a=b,c=d")]
    [InlineData("a=", "a=")]
    [InlineData(@"a=x\,y\=z\\w", @"a=x\,y\=z\\w")]
    public void Parse_AcceptsKubernetesSyntax_AndToStringIsCanonical(string text, string canonical)
    {
        var selector = FieldSelector.Parse(text);

        Assert.Equal(canonical, selector.ToString());
        Assert.Equal(canonical, FieldSelector.Parse(selector.ToString()).ToString());
    }

    [Fact]
    public void Requirements_ExposeFieldOperatorAndUnescapedValue()
    {
        var selector = FieldSelector.Parse(@"spec.nodeName!=n1,metadata.name==a\,b");

        Assert.Equal(
            [
                new FieldRequirement("metadata.name", FieldSelectorOperator.Equals, "a,b"),
                new FieldRequirement("spec.nodeName", FieldSelectorOperator.NotEquals, "n1"),
            ],
            selector.Requirements);
    }

    [Theory]
    [InlineData("a", 0, "can't understand 'a'")]
    [InlineData("x=1,b", 4, "can't understand 'b'")]
    [InlineData("a=b=c", 3, "unescaped '='")]
    [InlineData(@"a=b\q", 3, "invalid escape sequence")]
    [InlineData("=b", 0, "no field name")]
    public void Parse_InvalidText_ThrowsFormatExceptionNamingPositionAndProblem(string text, int position, string problem)
    {
        var ex = Assert.Throws<FormatException>(() => FieldSelector.Parse(text));

        Assert.Contains($"at position {position}:", ex.Message);
        Assert.Contains(problem, ex.Message);
        Assert.False(FieldSelector.TryParse(text, out var result, out var error));
        Assert.Equal(ex.Message, error);
        Assert.Same(FieldSelector.Everything, result);
    }

    [Theory]
    [InlineData("metadata.name=p1", true)]
    [InlineData("metadata.name=p2", false)]
    [InlineData("metadata.name!=p2", true)]
    [InlineData("metadata.name=p1,metadata.namespace=ns", true)]
    [InlineData("metadata.name=p1,metadata.namespace!=ns", false)]
    [InlineData("spec.nodeName=", true)]        // a missing field compares as ""
    [InlineData("spec.nodeName!=n1", true)]
    [InlineData("spec.nodeName=n1", false)]
    [InlineData("", true)]
    public void Matches_ComparesFieldValues(string text, bool expected)
    {
        var fields = new Dictionary<string, string> { ["metadata.name"] = "p1", ["metadata.namespace"] = "ns" };

        Assert.Equal(expected, FieldSelector.Parse(text).Matches(f => fields.GetValueOrDefault(f)));
    }

    [Fact]
    public void TryGetExactMatch_FindsAnEqualityTerm()
    {
        var selector = FieldSelector.Parse("metadata.namespace!=x,metadata.name=p1");

        Assert.True(selector.TryGetExactMatch("metadata.name", out var name));
        Assert.Equal("p1", name);
        Assert.False(selector.TryGetExactMatch("metadata.namespace", out _));
    }

    [Fact]
    public void EscapeValue_EscapesSeparators()
    {
        Assert.Equal(@"a\,b\=c\\d", FieldSelector.EscapeValue(@"a,b=c\d"));
        Assert.Equal("plain", FieldSelector.EscapeValue("plain"));
        Assert.Equal(@"f=a\,b", FieldSelector.OneTermEquals("f", "a,b").ToString());
    }
}
