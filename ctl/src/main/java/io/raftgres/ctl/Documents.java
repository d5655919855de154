package io.raftgres.ctl;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Map;

/** JSON and YAML as plain maps, lists and scalars: what the REST API sends and the CLI prints. */
final class Documents {

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private Documents() {
    }

    static Object json(Response r) {
        try {
            return JSON.readValue(r.body(), Object.class);
        } catch (JacksonException e) {
            throw CtlException.failed(r.member() + ": " + r.method() + " " + r.path() + " answered something that is "
                    + "not JSON");
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Response r) {
        if (json(r) instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw CtlException.failed(r.member() + ": " + r.method() + " " + r.path() + " answered no JSON object");
    }

    @SuppressWarnings("unchecked")
    static List<Object> array(Response r) {
        if (json(r) instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw CtlException.failed(r.member() + ": " + r.method() + " " + r.path() + " answered no JSON array");
    }

    static String toJson(Object value) {
        return JSON.writeValueAsString(value);
    }

    /** Block-style YAML, keys in the document's order, as patronictl prints configuration. */
    static String toYaml(Object value) {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        o.setIndent(2);
        o.setWidth(200);
        return new Yaml(new Representer(o), o).dump(value);
    }

    /** Flow-style YAML on one line, for a table cell (tags). */
    static String toFlowYaml(Object value) {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.FLOW);
        o.setWidth(Integer.MAX_VALUE);
        return new Yaml(new Representer(o), o).dump(value).strip();
    }

    /** Parses YAML an operator wrote; {@code what} names it in the error. */
    static Object fromYaml(String text, String what) {
        try {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException e) {
            throw CtlException.usage(what + " is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
