// A Pod watcher published with Native AOT (see AotWatcher.csproj). Run it as a user would, against the kubeconfig
// of the current user:  ./AotWatcher  (lists and watches every Pod, prints the count once synced and each change),
// or as the benchmark's cold path:  ./AotWatcher --kubeconfig F --objects N --events M [--projection]  which prints
// one RESULT line in the protocol of tests/Benchmarks/EndToEnd/ColdChild.cs.
using AotWatcher;

return await WatcherProgram.RunAsync(args);
