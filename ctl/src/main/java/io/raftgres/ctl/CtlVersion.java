package io.raftgres.ctl;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** raftgresctl's version, from the build (Maven filters version.properties). */
final class CtlVersion implements CommandLine.IVersionProvider {

    static final String VERSION = read();

    @Override
    public String[] getVersion() {
        return new String[]{"raftgresctl version " + VERSION};
    }

    private static String read() {
        try (InputStream in = CtlVersion.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
