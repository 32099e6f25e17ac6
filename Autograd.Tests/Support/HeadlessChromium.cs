using System.Collections.ObjectModel;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Chromium;

namespace Autograd.Tests.Support;

/// <summary>
/// Debian's headless Chromium driven through its own chromedriver (Selenium WebDriver), with networking switched off,
/// so pages are tested as a reader opens them from a file. When the browser or the driver is not installed, the tests
/// that need it are ignored with the reason, and the rest of the suite runs.
/// </summary>
internal static class HeadlessChromium
{
    private static readonly string[] s_browsers = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
    private static readonly string[] s_drivers = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"];

    /// <summary>Starts a browser, or ignores the calling test when there is none.</summary>
    public static ChromeDriver Start()
    {
        string? browser = Environment.GetEnvironmentVariable("AUTOGRAD_CHROMIUM") is { Length: > 0 } set ? set : s_browsers.FirstOrDefault(File.Exists);
        string? driver = Environment.GetEnvironmentVariable("AUTOGRAD_CHROMEDRIVER") is { Length: > 0 } d ? d : s_drivers.FirstOrDefault(File.Exists);
        if (browser is null || !File.Exists(browser) || driver is null || !File.Exists(driver))
            Assert.Ignore("the browser tests need headless Chromium and its driver: apt-get install chromium chromium-driver (.ci/run installs them)");

        // An explicit driver and browser: Selenium then neither looks for nor downloads either.
        ChromeDriverService service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driver)!, Path.GetFileName(driver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = browser };
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,820",
            "--hide-scrollbars", "--force-device-scale-factor=1", "--no-first-run", "--disable-extensions",
            // Any request to the network goes to a closed port and fails.
            "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        var chrome = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        chrome.NetworkConditions = new ChromiumNetworkConditions { IsOffline = true };
        return chrome;
    }

    /// <summary>The browser console's messages at level SEVERE (errors) since the last call.</summary>
    public static List<string> ConsoleErrors(IWebDriver driver)
    {
        ReadOnlyCollection<LogEntry> entries = driver.Manage().Logs.GetLog(LogType.Browser);
        return [.. entries.Where(e => e.Level >= LogLevel.Severe).Select(e => e.Message)];
    }
}
