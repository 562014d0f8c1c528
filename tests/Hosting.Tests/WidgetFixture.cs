using System.Text.Json;
using k8s;
using k8s.Models;
using KubeInformers.Emulator;

namespace KubeInformers.Hosting.Tests;

/// <summary>An emulator per test (<see cref="EmulatorTestBase"/>) with the Widget CRD installed, and typed helpers for widgets.</summary>
public abstract class WidgetFixture : EmulatorTestBase
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Widget.InstallAsync(Client);
    }

    protected async Task<Widget> CreateAsync(Widget widget) =>
        Convert(await Client.CustomObjects.CreateNamespacedCustomObjectAsync(widget, Widget.Group, "v1", "default", "widgets"));

    protected async Task<Widget?> GetAsync(string name)
    {
        try
        {
            return Convert(await Client.CustomObjects.GetNamespacedCustomObjectAsync(Widget.Group, "v1", "default", "widgets", name));
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    protected async Task<Widget> PatchAsync(string name, string mergePatch) =>
        Convert(await Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(mergePatch, V1Patch.PatchType.MergePatch),
            Widget.Group, "v1", "default", "widgets", name));

    protected async Task DeleteAsync(string name) =>
        await Client.CustomObjects.DeleteNamespacedCustomObjectAsync(Widget.Group, "v1", "default", "widgets", name);

    private static Widget Convert(object body) => KubernetesJson.Deserialize<Widget>(((JsonElement)body).GetRawText());
}
