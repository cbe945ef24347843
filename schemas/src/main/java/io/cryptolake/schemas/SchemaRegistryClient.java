package io.cryptolake.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * A client of the Confluent Schema Registry REST API (Confluent, Apicurio's ccompat, Karapace, Redpanda).
 * Only the two calls the pipeline needs. A 404 for an id is an answer (the id is unknown); anything else that
 * is not a 200 means the registry could not be asked, and is thrown as {@link RegistryUnavailableException}.
 */
public final class SchemaRegistryClient {
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final HttpClient http;
  private final Duration requestTimeout;

  public SchemaRegistryClient(String baseUrl) {
    this(baseUrl, Duration.ofSeconds(10));
  }

  public SchemaRegistryClient(String baseUrl, Duration requestTimeout) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.requestTimeout = requestTimeout;
    this.http = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
  }

  /** Registers the schema under the subject (idempotent for an identical schema) and returns its id. */
  public int register(String subject, Schema schema) {
    return register(subject, RegisteredSchema.AVRO, schema.toString());
  }

  /** Registers a schema of any type the registry supports (AVRO, JSON, PROTOBUF) and returns its id. */
  public int register(String subject, String schemaType, String schemaText) {
    String body = json(RegisteredSchema.AVRO.equals(schemaType) ? Map.of("schema", schemaText)
        : Map.of("schema", schemaText, "schemaType", schemaType));
    HttpRequest request = request("/subjects/" + subject + "/versions")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    HttpResponse<String> response = send(request);
    if (response.statusCode() != 200) {
      throw new RegistryUnavailableException("registering a schema under subject '" + subject + "' at "
          + baseUrl + " answered HTTP " + response.statusCode() + ": " + response.body());
    }
    return readTree(response.body()).path("id").asInt();
  }

  /** Whether the registry has any version under the subject (404: it has none). */
  public boolean hasSubject(String subject) {
    HttpResponse<String> response = send(request("/subjects/" + subject + "/versions").GET().build());
    if (response.statusCode() == 404) {
      return false;
    }
    if (response.statusCode() != 200) {
      throw new RegistryUnavailableException("looking up subject '" + subject + "' at " + baseUrl
          + " answered HTTP " + response.statusCode() + ": " + response.body());
    }
    return true;
  }

  /** The schema registered under the id, as the registry has it, or empty when it answers 404 for the id. */
  public Optional<RegisteredSchema> schemaById(int id) {
    HttpResponse<String> response = send(request("/schemas/ids/" + id).GET().build());
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    if (response.statusCode() != 200) {
      throw new RegistryUnavailableException("looking up schema id " + id + " at " + baseUrl
          + " answered HTTP " + response.statusCode() + ": " + response.body());
    }
    JsonNode answer = readTree(response.body());
    return Optional.of(new RegisteredSchema(answer.path("schemaType").asText(RegisteredSchema.AVRO),
        answer.path("schema").asText()));
  }

  /**
   * A schema as registered: its type (the Confluent API omits it for Avro) and its text, which may be
   * anything a producer managed to register.
   */
  public record RegisteredSchema(String type, String text) {
    public static final String AVRO = "AVRO";

    /** The Avro schema; throws (SchemaParseException and the like) when it is not one. */
    public Schema avro() {
      if (!AVRO.equalsIgnoreCase(type)) {
        throw new IllegalArgumentException("a " + type + " schema, not Avro");
      }
      return new Schema.Parser().parse(text);
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(requestTimeout)
        .header("Content-Type", CONTENT_TYPE)
        .header("Accept", CONTENT_TYPE + ", application/json");
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new RegistryUnavailableException("schema registry at " + baseUrl + " cannot be reached: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryUnavailableException("interrupted while calling the schema registry at " + baseUrl, e);
    }
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode readTree(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new RegistryUnavailableException("schema registry answered something that is not JSON: " + body, e);
    }
  }

  /** The registry could not be asked (down, unreachable, or an error status): not a property of the data. */
  public static final class RegistryUnavailableException extends RuntimeException {
    public RegistryUnavailableException(String message) {
      super(message);
    }

    public RegistryUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
