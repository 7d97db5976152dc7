package io.vsync.sample.kv;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The service's own limits ({@code kv.*}).
 *
 * @param maxKeyLength  longest key, in characters
 * @param maxValueSize  largest value, in bytes of UTF-8 (a larger PUT gets 413)
 * @param writeTimeout  how long a PUT or DELETE waits for its update to be delivered here
 * @param readTimeout   how long a quorum read waits for a majority of replies
 */
@ConfigurationProperties("kv")
public record KvProperties(@DefaultValue("256") int maxKeyLength, @DefaultValue("64KB") DataSize maxValueSize,
        @DefaultValue("10s") Duration writeTimeout, @DefaultValue("5s") Duration readTimeout) {

    public KvProperties {
        if (maxKeyLength < 1) {
            throw new IllegalArgumentException("kv.max-key-length must be at least 1, got " + maxKeyLength);
        }
        if (maxValueSize.toBytes() < 0 || maxValueSize.toBytes() > 8 * 1024 * 1024) {
            throw new IllegalArgumentException("kv.max-value-size must be between 0B and 8MB, got " + maxValueSize);
        }
    }
}
