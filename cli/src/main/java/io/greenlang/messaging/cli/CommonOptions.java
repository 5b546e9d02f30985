package io.greenlang.messaging.cli;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.Brokers;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options every command takes: where the broker is, how to talk to it, and how much to say. */
final class CommonOptions {
    static final String ENV_USERNAME = BrokerConfig.ENV_PREFIX + "USERNAME";
    static final String ENV_PASSWORD = BrokerConfig.ENV_PREFIX + "PASSWORD";

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:GREENLANG_MESSAGING_URL:-memory://}",
            description = "Broker URL: memory://, memory://NAME, redis://host:6379, kafka://host:9092 "
                    + "(default: $GREENLANG_MESSAGING_URL, else memory://). memory:// lives in this process only.")
    String url;

    @Option(names = "--codec", paramLabel = "json|msgpack",
            description = "Codec for structured payloads (default: json, or the URL's codec option).")
    String codec;

    @Option(names = "--user", paramLabel = "NAME",
            description = "User name (default: $" + ENV_USERNAME + ").")
    String user;

    @Option(names = "--password", paramLabel = "PASSWORD", arity = "0..1", interactive = true,
            description = "Password; prompts when given without a value (default: $" + ENV_PASSWORD + "). "
                    + "Never printed.")
    String password;

    @Option(names = "--option", paramLabel = "KEY=VALUE",
            description = "Broker option, repeatable, e.g. --option max-message-size=512KiB.")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(names = {"-v", "--verbose"}, description = "Log more, and print stack traces of errors.")
    boolean verbose;

    /**
     * The configuration the options describe.
     *
     * @throws io.greenlang.messaging.ConfigurationException if the URL or an option is invalid
     */
    BrokerConfig config() {
        BrokerConfig.Builder b = BrokerConfig.builder(url.trim());
        b.options(options);
        if (codec != null) {
            String c = codec.trim().toLowerCase(Locale.ROOT);
            if (!c.equals("json") && !c.equals("msgpack")) {
                throw new ParameterException(mixee.commandLine(),
                        "Invalid value for option '--codec': '" + codec + "'; expected json or msgpack");
            }
            b.option(BrokerConfig.CODEC, c);
        }
        String u = user != null ? user : System.getenv(ENV_USERNAME);
        if (u != null && !u.isEmpty()) {
            b.username(u);
        }
        String p = password != null ? password : System.getenv(ENV_PASSWORD);
        if (p != null && !p.isEmpty()) {
            b.password(p);
        }
        return b.build();
    }

    /** Connects to the broker; the caller closes it. */
    Broker connect() {
        return Brokers.connect(config());
    }
}
