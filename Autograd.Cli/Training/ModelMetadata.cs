namespace Autograd.Cli.Training;

/// <summary>The metadata keys that <c>train --save</c> writes into a model file and <c>eval</c> and <c>predict</c> read back.</summary>
internal static class ModelMetadata
{
    /// <summary>What the model was trained on: a named set or the full path of a CSV file.</summary>
    public const string Data = "autograd.data";

    /// <summary>The SHA-256 of the CSV file trained on, so eval recognises it under another name.</summary>
    public const string DataSha256 = "autograd.data.sha256";

    /// <summary>The CSV column that held the class.</summary>
    public const string Target = "autograd.target";

    /// <summary>The seed of the weights, the shuffling and synthetic data (eval draws the same synthetic test set).</summary>
    public const string Seed = "autograd.seed";

    /// <summary>The loss trained with: CrossEntropy or BinaryCrossEntropy.</summary>
    public const string Loss = "autograd.loss";

    /// <summary>The class names, as a JSON list, in output order.</summary>
    public const string Classes = "autograd.classes";

    /// <summary>The training features' means, as a JSON list, when the inputs were standardized.</summary>
    public const string StandardizeMean = "autograd.standardize.mean";

    /// <summary>The training features' standard deviations, as a JSON list.</summary>
    public const string StandardizeStd = "autograd.standardize.std";
}
