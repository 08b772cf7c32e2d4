namespace RedisAI.Tests.Execution;

public class DeviceTests
{
    [Theory]
    [InlineData("CPU", "CPU")]
    [InlineData("cpu", "CPU")]
    [InlineData("CPU:1", "CPU:1")]
    [InlineData("GPU", "GPU")]
    [InlineData("gpu:3", "GPU:3")]
    public void TryParse_ValidDevice_RoundTripsCanonicalName(string text, string canonical)
    {
        Assert.True(Device.TryParse(text, out var device));
        Assert.Equal(canonical, device.ToString());
        Assert.Equal(device, Device.Parse(device.ToString()));
    }

    [Theory]
    [InlineData("bad_device")]
    [InlineData("CPU::")]
    [InlineData("CPU:1.8")]
    [InlineData("CPU:123456")] // RedisAI: the whole string must be under 10 characters
    [InlineData("CPU:")]
    [InlineData("CPU:-1")]
    [InlineData("")]
    public void TryParse_InvalidDevice_Fails(string text)
    {
        Assert.False(Device.TryParse(text, out _));
        var ex = Assert.Throws<AiArgumentException>(() => Device.Parse(text));
        Assert.Contains("Invalid DEVICE", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gpu_WithoutIndex_UsesOrdinalZeroButIsItsOwnQueue()
    {
        Assert.Equal(0, Device.Gpu.Ordinal);
        Assert.NotEqual(Device.GpuAt(0), Device.Gpu);
        Assert.True(Device.Gpu.IsGpu);
        Assert.NotEqual(Device.Cpu, Device.CpuAt(1));
    }
}
