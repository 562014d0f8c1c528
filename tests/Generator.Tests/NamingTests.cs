using KubeInformers.Generator.Helpers;

namespace KubeInformers.Generator.Tests;

/// <summary>The naming rules of generated accessors and members.</summary>
public class NamingTests
{
    [Theory]
    [InlineData("", "Core")]
    [InlineData("apps", "Apps")]
    [InlineData("networking.k8s.io", "Networking")]
    [InlineData("rbac.authorization.k8s.io", "Rbac")]
    [InlineData("flowcontrol.apiserver.k8s.io", "Flowcontrol")]
    [InlineData("stable.example.com", "Stable")]
    [InlineData("my-group.example.com", "MyGroup")]
    [InlineData("1st.example.com", "Group1st")]
    public void GroupAccessorIsPascalCaseOfTheFirstDnsLabel(string group, string expected)
        => Assert.Equal(expected, Naming.GroupAccessor(group));

    [Theory]
    [InlineData("PodSummary", "PodSummaries")]
    [InlineData("PodStatus", "PodStatuses")]
    [InlineData("PodMetadata", "PodMetadatas")]
    [InlineData("NodeIdentity", "NodeIdentities")]
    [InlineData("GatewayKey", "GatewayKeys")]
    [InlineData("IndexBox", "IndexBoxes")]
    [InlineData("PodMatch", "PodMatches")]
    [InlineData("PodView", "PodViews")]
    public void ProjectionAccessorIsTheEnglishPluralOfTheTypeName(string name, string expected)
        => Assert.Equal(expected, Naming.Plural(name));

    [Theory]
    [InlineData("v1", "V1")]
    [InlineData("v1beta1", "V1beta1")]
    [InlineData("v2alpha3", "V2alpha3")]
    public void VersionAccessorFollowsClientGoSpelling(string version, string expected)
        => Assert.Equal(expected, Naming.VersionAccessor(version));

    [Theory]
    [InlineData("crontabs", "CronTab", "CronTabs")]
    [InlineData("networkpolicies", "NetworkPolicy", "NetworkPolicies")]
    [InlineData("ingresses", "Ingress", "Ingresses")]
    [InlineData("endpoints", "Endpoints", "Endpoints")]
    [InlineData("componentstatuses", "ComponentStatus", "ComponentStatuses")]
    [InlineData("horizontalpodautoscalers", "HorizontalPodAutoscaler", "HorizontalPodAutoscalers")]
    [InlineData("people", "Person", "People")]
    public void ResourceAccessorIsThePluralWithTheKindsCasing(string plural, string kind, string expected)
        => Assert.Equal(expected, Naming.ResourceAccessor(plural, kind));

    [Theory]
    [InlineData("byNode", "ByNode")]
    [InlineData("node", "ByNode")]
    [InlineData("by-owner", "ByOwner")]
    [InlineData("bytes", "ByBytes")]
    [InlineData("123", "ByIndex123")]
    public void IndexMemberStartsWithBy(string name, string expected)
        => Assert.Equal(expected, Naming.IndexMember(name));

    [Theory]
    [InlineData("NodeName", "nodeName")]
    [InlineData("URL", "url")]
    [InlineData("IPAddress", "ipAddress")]
    [InlineData("already", "already")]
    public void CamelCaseMatchesSystemTextJson(string name, string expected)
    {
        Assert.Equal(expected, Naming.CamelCase(name));
        Assert.Equal(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name), Naming.CamelCase(name));
    }
}
