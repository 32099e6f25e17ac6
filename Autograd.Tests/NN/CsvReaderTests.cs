using Autograd.NN;
using Autograd.NN.Data;

namespace Autograd.Tests.NN;

/// <summary>CSV as RFC 4180 writes it, and the mistakes a table of classes can hide.</summary>
public sealed class CsvReaderTests
{
    private static Dataset<float> Classes(string csv, out IReadOnlyList<string> classes, string? target = null) =>
        CsvReader.Load(new StringReader(csv), "t.csv", target, CsvTarget.Classes, out classes);

    [Test]
    public void QuotedFieldsHoldCommasQuotesAndLineBreaks()
    {
        string csv = "\"a, first\",\"b \"\"quoted\"\"\",label\n\"1.5\",2,\"class, with comma\"\n3,\"4\",\"two\nlines\"\n";
        Dataset<float> data = Classes(csv, out var classes);
        Assert.That(data.Features.ToArray(), Is.EqualTo(new[] { 1.5f, 2, 3, 4 }));
        Assert.That(classes, Is.EqualTo(new[] { "class, with comma", "two\nlines" }));

        // "1,5" is one field: with two header columns the row has two fields, and the quoted one is not a number.
        var error = Assert.Throws<InvalidDataException>(() => Classes("x,label\n\"1,5\",0\n2,1\n", out _));
        Assert.That(error!.Message, Is.EqualTo("t.csv:2: column 1 ('x') is '1,5', not a finite number"));
    }

    [Test]
    public void WindowsLineEndingsAndSpacesAroundFieldsAreRead()
    {
        Dataset<float> data = Classes("x , label\r\n 1 , a\r\n2,\"b\r\nc\"\r\n", out var classes, target: "label");
        Assert.That(data.Features.ToArray(), Is.EqualTo(new[] { 1f, 2 }));
        Assert.That(classes, Is.EqualTo(new[] { "a", "b\r\nc" }));
    }

    [Test]
    public void LineNumbersCountTheLinesInsideQuotedFields()
    {
        var error = Assert.Throws<InvalidDataException>(() => Classes("x,label\n1,\"a\nb\"\n2,c\nz,a\n", out _));
        Assert.That(error!.Message, Is.EqualTo("t.csv:5: column 1 ('x') is 'z', not a finite number"));
        error = Assert.Throws<InvalidDataException>(() => Classes("x,label\n1,a\n2,\"b\n3,c\n", out _));
        Assert.That(error!.Message, Does.StartWith("t.csv:3: a quoted field on this line is never closed"));
    }

    [TestCase("1", "1.0", "1e0")]
    [TestCase("0", "-0", "0.00")]
    public void NumericClassesAreComparedByValue(string a, string b, string c)
    {
        Dataset<float> data = Classes($"x,label\n1,{a}\n2,{b}\n3,{c}\n4,2\n", out var classes);
        Assert.That(classes, Has.Count.EqualTo(2), string.Join(" | ", classes));
        Assert.That(data.Labels, Is.EqualTo(new[] { 0, 0, 0, 1 }));

        // A saved model's class list finds the same rows by value.
        Dataset<float> known = CsvReader.Load(new StringReader($"x,label\n1,{b}\n2,2.0\n"), "t.csv", null, [.. classes]);
        Assert.That(known.Labels, Is.EqualTo(new[] { 0, 1 }));
    }

    [TestCase("x,label\n1,a\n2,a\n", "t.csv: every row has the class 'a' in column 'label'; a classifier needs at least two classes")]
    [TestCase("x,label\n1,1\n2,1.0\n", "t.csv: every row has the class '1' in column 'label'")]
    [TestCase("x,label,\n1,a,\n2,b,\n", "t.csv:1: column 3 of the header has no name (a comma at the end of the line?)")]
    [TestCase("x,label\n1,a,\n2,b,\n", "t.csv:2: 3 fields, but the header has 2")]
    [TestCase("x,label\n1,a\n2,\n", "t.csv:3: column 2 ('label'), the target, is empty")]
    [TestCase("x,x,label\n1,2,a\n", "t.csv:1: columns 1 and 2 of the header are both named 'x'")]
    [TestCase("", "t.csv: the file is empty")]
    [TestCase("x,label\n", "t.csv: no data rows after the header")]
    public void MistakesAreRefusedNamingTheLine(string csv, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => Classes(csv, out _));
        Assert.That(error!.Message, Does.StartWith(message));
    }

    [Test]
    public void FeatureFilesForPredictionHaveExactlyTheModelsColumns()
    {
        Assert.That(CsvReader.LoadFeatures(new StringReader("a,b\n1,\"2\"\n\n3,4\n"), "f.csv", 2), Is.EqualTo(new[] { new[] { 1f, 2 }, [3f, 4] }));
        var error = Assert.Throws<InvalidDataException>(() => CsvReader.LoadFeatures(new StringReader("a,b,label\n1,2,0\n"), "f.csv", 2));
        Assert.That(error!.Message, Is.EqualTo("f.csv:1: the header has 3 columns (a, b, label), but the model takes 2 features"));
        error = Assert.Throws<InvalidDataException>(() => CsvReader.LoadFeatures(new StringReader("a,b\n1,2\n1,2,0\n"), "f.csv", 2));
        Assert.That(error!.Message, Is.EqualTo("f.csv:3: 3 fields, but the header has 2"));
    }
}
