package io.cryptolake.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.spark.scheduler.FairSchedulingAlgorithm;
import org.apache.spark.scheduler.Pool;
import org.apache.spark.scheduler.SchedulingMode;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The pools the jobs' applications run with, ordered by Spark's own fair-scheduling algorithm (the one that picks
 * which pool's task takes a free slot): the background pool gets a slot only when no query has a task waiting.
 */
class SchedulerPoolsTest {
  private static final List<String> QUERIES = List.of("silver-binance", "gold", "gold-ohlcv-1m");
  private final FairSchedulingAlgorithm fair = new FairSchedulingAlgorithm();

  @Test
  void aQueryWithTasksWaitingGoesBeforeTheBackgroundHoweverManyItRuns() throws Exception {
    for (int running : new int[] {0, 1, 2, 7, 64}) {
      Map<String, Pool> pools = pools();
      pools.get("gold").increaseRunningTasks(running);
      assertTrue(fair.comparator(pools.get("gold"), pools.get(SchedulerPools.BACKGROUND)),
          "gold running " + running + " task(s) goes before the gap check running none");
      assertFalse(fair.comparator(pools.get(SchedulerPools.BACKGROUND), pools.get("gold")));
    }
  }

  @Test
  void queriesShareTheSlotsAsBefore() throws Exception {
    Map<String, Pool> pools = pools();
    pools.get("gold").increaseRunningTasks(1);
    assertTrue(fair.comparator(pools.get("silver-binance"), pools.get("gold")), "the one running fewer goes first");
    pools.get("silver-binance").increaseRunningTasks(1);
    assertTrue(fair.comparator(pools.get("gold"), pools.get("silver-binance")), "then by name");
    assertEquals(0, pools.get(SchedulerPools.BACKGROUND).minShare(), "the background is never under its share");
  }

  /** The pools of an application with {@link #QUERIES}, as Spark's allocation file makes them. */
  private static Map<String, Pool> pools() throws Exception {
    String xml = SchedulerPools.allocations(QUERIES);
    NodeList nodes = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))).getElementsByTagName("pool");
    Map<String, Pool> pools = new HashMap<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      Element pool = (Element) nodes.item(i);
      String name = pool.getAttribute("name");
      pools.put(name, new Pool(name, SchedulingMode.withName(text(pool, "schedulingMode")),
          Integer.parseInt(text(pool, "minShare")), Integer.parseInt(text(pool, "weight"))));
    }
    assertEquals(QUERIES.size() + 1, pools.size(), xml);
    return pools;
  }

  private static String text(Element pool, String tag) {
    return pool.getElementsByTagName(tag).item(0).getTextContent().trim();
  }
}
