package io.cryptolake.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;

/**
 * Loads the .avsc contracts shipped in this module: the exchanges' raw trades. The unified trade of silver and
 * gold is defined once, as the lake's table schema ({@code io.cryptolake.lake.Tables}).
 */
public final class AvroSchemas {
  private AvroSchemas() {}

  public static Schema load(String resource) {
    try (InputStream in = AvroSchemas.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Avro schema resource not found on the classpath: " + resource);
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Avro schema " + resource, e);
    }
  }
}
