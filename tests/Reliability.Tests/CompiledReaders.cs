using k8s.Models;
using KubeInformers;

// The informers under test decode ConfigMaps with the readers the generator compiles for them, so every fault scenario
// also exercises the compiled readers and their fallback to JsonSerializer. CompiledReadersAreUsedTests checks they run.
[assembly: GenerateInformer(typeof(V1ConfigMap))]
