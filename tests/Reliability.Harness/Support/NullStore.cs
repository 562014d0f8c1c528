using k8s.Models;

namespace KubeInformers.Reliability.Harness;

/// <summary>A reflector store that keeps nothing: the backoff tests only count requests.</summary>
public sealed class NullStore : IReflectorStore<V1ConfigMap>
{
    public void Add(V1ConfigMap obj) { }
    public void Update(V1ConfigMap obj) { }
    public void Delete(V1ConfigMap obj) { }
    public void Replace(IReadOnlyList<V1ConfigMap> list, string resourceVersion) { }
    public void Resync() { }
}
