package org.albertkeras.demo

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.NavigationBar
import androidx.compose.material3.NavigationBarItem
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableIntStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier

/** The app: two screens (sentiment, question answering) behind a bottom navigation bar. */
class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        enableEdgeToEdge()
        setContent {
            MaterialTheme {
                DemoApp()
            }
        }
    }
}

private val SCREENS = listOf("Sentiment" to "☺", "Question answering" to "?")

@Composable
fun DemoApp() {
    var screen by rememberSaveable { mutableIntStateOf(0) }
    Scaffold(
        bottomBar = {
            NavigationBar {
                SCREENS.forEachIndexed { index, (title, glyph) ->
                    NavigationBarItem(
                        selected = screen == index,
                        onClick = { screen = index },
                        icon = { Text(glyph, style = MaterialTheme.typography.titleLarge) },
                        label = { Text(title) }
                    )
                }
            }
        }
    ) { padding ->
        when (screen) {
            0 -> SentimentScreen(Modifier.padding(padding))
            else -> QaScreen(Modifier.padding(padding))
        }
    }
}
