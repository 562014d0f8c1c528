namespace KubeInformers.Generator.Model;

/// <summary>A bug inside the generator, caught so the build goes on, and reported as diagnostic KI0022.</summary>
/// <param name="Step">What the generator was doing, e.g. <c>parsing [GenerateInformer] on 'MyApp.CronTab'</c>.</param>
/// <param name="ExceptionType">The exception's full type name.</param>
/// <param name="Message">The exception's message.</param>
public sealed record InternalError(string Step, string ExceptionType, string Message);
