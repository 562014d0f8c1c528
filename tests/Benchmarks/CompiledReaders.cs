using k8s.Models;
using KubeInformers;

// A generated informer for V1Pod: the generator also compiles a one-pass reader of the whole V1Pod graph, which the
// "ours" paths use (and "ours-stj" turns off, to compare both decoders in one process).
[assembly: GenerateInformer(typeof(V1Pod))]
