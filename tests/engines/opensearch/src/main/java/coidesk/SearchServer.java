package coidesk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * One OpenSearch node for the tests: java coidesk.SearchServer DATA_DIR PORT.
 * Binds 127.0.0.1 only, prints "coidesk-search-server ready http://127.0.0.1:PORT" once the cluster is
 * at least yellow, and closes the node cleanly on SIGTERM (the data directory is kept, so a restart finds
 * its indexes: the failure tests stop and restart the server mid-bulk).
 */
public final class SearchServer {
    private SearchServer() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: SearchServer DATA_DIR PORT");
            System.exit(2);
        }
        Path base = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        Files.createDirectories(base);
        OpenSearchRunner runner = new OpenSearchRunner();
        runner.onBuild((index, settings) -> {
            settings.put("network.host", "127.0.0.1");
            settings.put("http.port", String.valueOf(port));
            settings.put("transport.port", String.valueOf(port + 100));
            settings.put("discovery.type", "single-node");
            settings.put("cluster.routing.allocation.disk.threshold_enabled", "false");
            settings.put("action.auto_create_index", "false");
        });
        runner.build(OpenSearchRunner.newConfigs()
                .basePath(base.toString())
                .numOfNode(1)
                .clusterName("coidesk-tests")
                .disableESLogger());
        runner.ensureYellow();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (IOException e) {
                System.err.println("close failed: " + e);
            }
            stopped.countDown();
        }));
        System.out.println("coidesk-search-server ready http://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }
}
