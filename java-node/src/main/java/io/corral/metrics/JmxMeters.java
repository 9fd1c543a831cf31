package io.corral.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;

/**
 * The JMX registry behind {@code --jmx}, in a class of its own: micrometer-registry-jmx is an optional dependency,
 * and a class that names its types is only loaded when JMX is asked for, so an application that embeds Corral
 * without that jar still starts.
 */
public final class JmxMeters {
    private JmxMeters() {}

    /** Publishes {@code meters} over JMX; closing the result stops publishing. */
    public static AutoCloseable addTo(CompositeMeterRegistry meters) {
        JmxMeterRegistry jmx = new JmxMeterRegistry(JmxConfig.DEFAULT, Clock.SYSTEM);
        meters.add(jmx);
        return jmx::close;
    }
}
