using System.Text.Json;
using k8s;
using k8s.Models;
using KubeInformers.Emulator;

namespace KubeInformers.Hosting.Tests;

/// <summary>An emulator with the Widget CRD installed, a client, and typed helpers for widgets.</summary>
public abstract class WidgetFixture : IAsyncLifetime
{
    protected KubernetesEmulator Emulator { get; private set; } = null!;
    protected Kubernetes Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await KubernetesEmulator.StartAsync();
        Client = Emulator.CreateClient();
        await Widget.InstallAsync(Client);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Emulator.DisposeAsync();
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
