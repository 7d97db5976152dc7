package io.vsync.sample.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.xml.sax.InputSource;
import org.yaml.snakeyaml.Yaml;

import io.vsync.spring.boot.autoconfigure.VsyncProperties;

/**
 * Every code block of the manual's pages written with the sample (getting started, concepts,
 * operations) and of the Spring Boot and security pages is checked:
 * <ul>
 * <li>{@code java}: the block is preceded by {@code <!-- snippet: path#tag -->} and is, character
 * for character (less the common indentation), the region between {@code // tag::tag[]} and
 * {@code // end::tag[]} of that file: a test source that compiles, and that GettingStartedTest
 * runs (SpringBootSnippets and SecuritySnippets are only compiled). Every tagged region is used by
 * some page.</li>
 * <li>{@code yaml}: parses; a block with {@code vsync:} binds to the starter's properties and
 * passes their validation; a Kubernetes manifest has {@code apiVersion} and {@code kind}.</li>
 * <li>{@code xml}: well-formed.</li>
 * </ul>
 */
class DocsSnippetsTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    static final List<Path> PAGES = List.of(Path.of("docs/getting-started.md"), Path.of("docs/concepts.md"),
            Path.of("docs/operations.md"), Path.of("docs/api.md"), Path.of("docs/spring-boot.md"),
            Path.of("docs/security.md"), Path.of("README.md"));

    static final Path SNIPPETS = Path.of("sample-app/src/test/java/io/vsync/sample/docs");

    private static final Pattern FENCE = Pattern.compile("^(\\s*)```(\\w*)\\s*$");

    private static final Pattern MARKER = Pattern.compile("^\\s*<!-- snippet: (\\S+)#(\\S+) -->\\s*$");

    private static final Pattern TAG = Pattern.compile("^\\s*// (tag|end)::([\\w-]+)\\[\\]\\s*$");

    /** One fenced block of a page. */
    record Block(Path page, int line, String language, String code, String marker) {

        String where() {
            return this.page + ":" + this.line;
        }
    }

    @Test
    void everyJavaBlockIsATaggedRegionOfACompiledSource() throws IOException {
        Map<String, String> regions = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(ROOT.resolve(SNIPPETS))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                regions.putAll(regions(ROOT.relativize(file)));
            }
        }
        Set<String> used = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Block block : blocks()) {
            if (!block.language().equals("java")) {
                continue;
            }
            checked++;
            if (block.marker() == null) {
                problems.add(block.where() + ": a java block without a <!-- snippet: path#tag --> line before it");
                continue;
            }
            String region = regions.get(block.marker());
            if (region == null) {
                problems.add(block.where() + ": no region " + block.marker() + " (known: " + regions.keySet() + ")");
                continue;
            }
            used.add(block.marker());
            if (!region.equals(block.code())) {
                problems.add(block.where() + ": differs from " + block.marker() + "\n--- page:\n" + block.code()
                        + "\n--- source:\n" + region);
            }
        }
        for (String region : regions.keySet()) {
            if (!used.contains(region)) {
                problems.add("region " + region + " is used by no page");
            }
        }
        assertThat(problems).as("doc code blocks").isEmpty();
        assertThat(checked).as("java blocks checked").isGreaterThanOrEqualTo(5);
    }

    @Test
    void everyYamlBlockParsesAndVsyncSettingsAreValid() throws IOException {
        int vsyncBlocks = 0;
        int manifests = 0;
        for (Block block : blocks()) {
            if (!block.language().equals("yaml")) {
                continue;
            }
            List<Object> documents = new ArrayList<>();
            new Yaml().loadAll(block.code()).forEach(documents::add);
            assertThat(documents).as("YAML documents of %s", block.where()).isNotEmpty();
            for (Object document : documents) {
                assertThat(document).as("%s is a map", block.where()).isInstanceOf(Map.class);
                Map<?, ?> map = (Map<?, ?>) document;
                if (map.containsKey("kind")) {
                    assertThat(map.get("apiVersion")).as("apiVersion of a manifest in %s", block.where()).isNotNull();
                    manifests++;
                }
            }
            if (block.code().startsWith("vsync:")) {
                vsyncBlocks++;
                List<PropertySource<?>> sources = new YamlPropertySourceLoader().load(block.where(),
                        new ByteArrayResource(block.code().getBytes(StandardCharsets.UTF_8)));
                new ApplicationContextRunner().withUserConfiguration(BindVsyncProperties.class)
                    .withInitializer(context -> sources.forEach(context.getEnvironment().getPropertySources()::addLast))
                    .run(context -> assertThat(context).as("binding the vsync settings of %s", block.where())
                        .hasNotFailed()
                        .getBean(VsyncProperties.class)
                        .extracting(properties -> properties.getGroups().keySet())
                        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.COLLECTION)
                        .isNotEmpty());
            }
        }
        assertThat(vsyncBlocks).as("vsync settings blocks").isGreaterThanOrEqualTo(1);
        assertThat(manifests).as("Kubernetes manifests").isGreaterThanOrEqualTo(3);
    }

    @Test
    void everyXmlBlockIsWellFormed() throws Exception {
        for (Block block : blocks()) {
            if (block.language().equals("xml")) {
                DocumentBuilderFactory.newInstance()
                    .newDocumentBuilder()
                    .parse(new InputSource(new StringReader("<root>" + block.code() + "</root>")));
            }
        }
    }

    /** The starter's properties, bound and validated as the auto-configuration does, without an engine. */
    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(VsyncProperties.class)
    static class BindVsyncProperties {

        /** As the starter's: a group with nothing under it ({@code flags:}) is a group with defaults. */
        @Bean
        @ConfigurationPropertiesBinding
        static Converter<String, VsyncProperties.GroupOptions> emptyGroupOptions() {
            return new Converter<>() {
                @Override
                public VsyncProperties.GroupOptions convert(String source) {
                    if (!source.isBlank()) {
                        throw new IllegalArgumentException("not group options: " + source);
                    }
                    return new VsyncProperties.GroupOptions();
                }
            };
        }
    }

    static List<Block> blocks() throws IOException {
        List<Block> blocks = new ArrayList<>();
        for (Path page : PAGES) {
            List<String> lines = Files.readAllLines(ROOT.resolve(page));
            for (int i = 0; i < lines.size(); i++) {
                Matcher open = FENCE.matcher(lines.get(i));
                if (!open.matches()) {
                    continue;
                }
                String indent = open.group(1);
                int start = i + 1;
                int end = start;
                while (end < lines.size() && !lines.get(end).equals(indent + "```")) {
                    end++;
                }
                String marker = null;
                for (int j = i - 1; j >= 0 && marker == null; j--) {
                    if (lines.get(j).isBlank()) {
                        continue;
                    }
                    Matcher m = MARKER.matcher(lines.get(j));
                    marker = m.matches() ? m.group(1) + "#" + m.group(2) : "";
                }
                blocks.add(new Block(page, i + 1, open.group(2), dedent(lines.subList(start, end)),
                        (marker == null || marker.isEmpty()) ? null : marker));
                i = end;
            }
        }
        return blocks;
    }

    /** The tagged regions of a source, by {@code path#tag}. */
    static Map<String, String> regions(Path file) throws IOException {
        Map<String, String> regions = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(ROOT.resolve(file));
        Map<String, Integer> open = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = TAG.matcher(lines.get(i));
            if (!m.matches()) {
                continue;
            }
            if (m.group(1).equals("tag")) {
                open.put(m.group(2), i + 1);
            }
            else {
                Integer start = open.remove(m.group(2));
                assertThat(start).as("%s: end::%s without tag::%s", file, m.group(2), m.group(2)).isNotNull();
                regions.put(file + "#" + m.group(2), dedent(lines.subList(start, i)));
            }
        }
        assertThat(open).as("%s: tags never ended", file).isEmpty();
        return regions;
    }

    static String dedent(List<String> lines) {
        int indent = Integer.MAX_VALUE;
        for (String line : lines) {
            if (!line.isBlank()) {
                indent = Math.min(indent, line.length() - line.stripLeading().length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line.isBlank() ? "" : line.substring(indent).stripTrailing()).append('\n');
        }
        return text.toString().strip();
    }
}
