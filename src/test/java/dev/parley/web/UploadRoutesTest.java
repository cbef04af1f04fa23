package dev.parley.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.protocol.ChatException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class UploadRoutesTest {

  @Test
  @DisplayName("Content-Disposition quotes an ASCII stand-in and carries the real name percent-encoded")
  void disposition() {
    assertEquals("attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf",
        UploadRoutes.disposition("attachment", "report.pdf"));
    assertEquals("attachment; filename=\"____.txt\"; filename*=UTF-8''%E6%B6%88%E6%81%AF%E6%92%A4%E5%9B%9E.txt",
        UploadRoutes.disposition("attachment", "消息撤回.txt"));
    assertEquals("attachment; filename=\"a_b_ c_.txt\"; filename*=UTF-8''a%22b%5C%20c%2A.txt",
        UploadRoutes.disposition("attachment", "a\"b\\ c*.txt"));
  }

  @Test
  @DisplayName("a file name loses any path; an empty, overlong or control-character name is refused")
  void fileNames() {
    assertEquals("photo.png", UploadRoutes.fileName("C:\\Users\\me\\photo.png"));
    assertEquals("photo.png", UploadRoutes.fileName("../../etc/photo.png"));
    assertEquals("消息.txt", UploadRoutes.fileName("消息.txt"));
    assertThrows(ChatException.class, () -> UploadRoutes.fileName(""));
    assertThrows(ChatException.class, () -> UploadRoutes.fileName("dir/"));
    assertThrows(ChatException.class, () -> UploadRoutes.fileName(null));
    assertThrows(ChatException.class, () -> UploadRoutes.fileName("a\u0000b"));
    assertThrows(ChatException.class, () -> UploadRoutes.fileName("a\nb"));
    assertEquals(255, UploadRoutes.fileName("x".repeat(255)).length());
    assertThrows(ChatException.class, () -> UploadRoutes.fileName("x".repeat(256)));
  }
}
