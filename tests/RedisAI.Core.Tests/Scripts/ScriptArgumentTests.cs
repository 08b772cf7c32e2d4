namespace RedisAI.Core.Tests.Scripts;

public sealed class ScriptArgumentTests
{
    [Fact]
    public void ImplicitConversions_KeepKindAndValue()
    {
        ScriptArgument text = "mode";
        ScriptArgument integer = 3;
        ScriptArgument number = 0.25;
        ScriptArgument list = new long[] { 1, 2 };

        Assert.Equal(ScriptArgumentKind.Text, text.Kind);
        Assert.Equal(ScriptArgumentKind.Integer, integer.Kind);
        Assert.Equal(ScriptArgumentKind.Float, number.Kind);
        Assert.Equal(ScriptArgumentKind.IntegerList, list.Kind);
        Assert.True(list.IsList);
        Assert.Equal(3, integer.AsInt64());
        Assert.Equal(0.25, number.AsDouble());
    }

    [Fact]
    public void AsString_FormatsInvariantlyAndJoinsListsWithCommas()
    {
        Assert.Equal("-42", ((ScriptArgument)(-42)).AsString());
        Assert.Equal("0.1", ((ScriptArgument)0.1).AsString());
        Assert.Equal("1E+20", ((ScriptArgument)1e20).AsString());
        Assert.Equal("1,2,3", ((ScriptArgument)new long[] { 1, 2, 3 }).AsString());
        Assert.Equal("a,b", ((ScriptArgument)new[] { "a", "b" }).AsString());
        Assert.Equal("0.5,2", ((ScriptArgument)new[] { 0.5, 2.0 }).AsString());
        Assert.Equal(string.Empty, default(ScriptArgument).AsString());
    }

    [Fact]
    public void AsInt64_ParsesTextAndRejectsFractions()
    {
        Assert.Equal(17, ((ScriptArgument)"17").AsInt64());
        Assert.Equal(4, ((ScriptArgument)4.0).AsInt64());

        Assert.Throws<AiArgumentException>(() => ((ScriptArgument)"seventeen").AsInt64());
        Assert.Throws<AiArgumentException>(() => ((ScriptArgument)4.5).AsInt64());
        Assert.Throws<AiArgumentException>(() => ((ScriptArgument)new long[] { 1 }).AsInt64());
    }

    [Fact]
    public void AsLists_AcceptListsCommaSeparatedTextAndSingleValues()
    {
        Assert.Equal([1L, 2, 3], ((ScriptArgument)"1, 2,3").AsInt64List());
        Assert.Equal([1.0, 2.0], ((ScriptArgument)new long[] { 1, 2 }).AsDoubleList());
        Assert.Equal([7L], ((ScriptArgument)7).AsInt64List());
        Assert.Equal(["x"], ((ScriptArgument)"x").AsStringList());
        Assert.Empty(((ScriptArgument)string.Empty).AsInt64List());
        Assert.Equal(["1", "2"], ((ScriptArgument)new long[] { 1, 2 }).AsStringList());
    }

    [Fact]
    public void Equality_ComparesKindAndElements()
    {
        Assert.Equal((ScriptArgument)new long[] { 1, 2 }, (ScriptArgument)new long[] { 1, 2 });
        Assert.NotEqual((ScriptArgument)"1", (ScriptArgument)1);
        Assert.True((ScriptArgument)"a" == "a");
    }

    [Fact]
    public void FromList_CopiesTheValues()
    {
        long[] values = [1, 2];
        ScriptArgument argument = ScriptArgument.FromList(values);
        values[0] = 9;

        Assert.Equal([1L, 2], argument.AsInt64List());
    }
}
