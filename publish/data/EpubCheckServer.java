import com.adobe.epubcheck.tool.EpubChecker;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * EPUBCheck's own command line, run for many files in one JVM (a JVM start costs seconds):
 * a path per line in; what EPUBCheck prints for it, its exit code and "END" out.
 */
public class EpubCheckServer {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        String path;
        while ((path = in.readLine()) != null) {
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
            System.setOut(capture);
            System.setErr(capture);
            int code;
            try {
                code = new EpubChecker().run(new String[] {path});
            } catch (RuntimeException error) {
                capture.println("FATAL(java): " + error);
                code = 2;
            }
            out.print(printed.toString(StandardCharsets.UTF_8));
            out.println("EXIT " + code);
            out.println("END");
        }
    }
}
