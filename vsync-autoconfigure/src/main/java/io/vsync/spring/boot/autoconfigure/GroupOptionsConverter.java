package io.vsync.spring.boot.autoconfigure;

import org.springframework.core.convert.converter.Converter;

import io.vsync.spring.boot.autoconfigure.VsyncProperties.GroupOptions;

/**
 * Lets a group be configured without options: {@code vsync.groups.accounts=} in properties,
 * or {@code accounts:} with nothing under it in YAML, is a group with default options.
 */
class GroupOptionsConverter implements Converter<String, GroupOptions> {

    @Override
    public GroupOptions convert(String source) {
        if (!source.isBlank()) {
            throw new IllegalArgumentException("a group takes options (join-on-startup, error-policy, max-attempts, safe-log.*),"
                    + " not the value '" + source + "'");
        }
        return new GroupOptions();
    }

}
